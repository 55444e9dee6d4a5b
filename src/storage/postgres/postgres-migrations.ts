/**
 * The PostgreSQL schema: the same shape as the SQLite one. Records are stored
 * whole as JSON *text* in `data` (not jsonb: event hashes are computed over the
 * exact JSON, and jsonb would reorder keys and normalise numbers); the other
 * columns exist only to index what queries filter and sort on.
 *
 * Migrations are numbered and applied in order, each once, inside one
 * transaction that holds an advisory lock, so two nodes starting together
 * against an empty database do not race each other.
 */
export interface PostgresMigration {
  readonly version: number
  readonly description: string
  readonly sql: string
}

/** Serialises `init()` across every node and process sharing the database. */
export const MIGRATION_LOCK_KEY = 0x646f636b // 'dock'

export const MIGRATIONS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS dock_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'workspaces, principals, tables, rows, docs, events',
    sql: `
CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  revision BIGINT NOT NULL,
  head_hash TEXT NOT NULL,
  frozen BOOLEAN NOT NULL DEFAULT false,
  created_at TEXT NOT NULL,
  row_seq BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS principals (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, name)
);
CREATE TABLE IF NOT EXISTS tables (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, name)
);
CREATE TABLE IF NOT EXISTS rows (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  table_name TEXT NOT NULL,
  status TEXT NOT NULL,
  owner TEXT,
  lease_expires_at BIGINT,
  priority DOUBLE PRECISION NOT NULL,
  seq BIGINT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX IF NOT EXISTS rows_by_status ON rows (workspace_id, table_name, status, priority DESC, seq);
CREATE INDEX IF NOT EXISTS rows_by_seq ON rows (workspace_id, table_name, seq);
CREATE INDEX IF NOT EXISTS rows_by_lease ON rows (workspace_id, lease_expires_at) WHERE owner IS NOT NULL;
CREATE TABLE IF NOT EXISTS docs (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX IF NOT EXISTS docs_by_title ON docs (workspace_id, title);
CREATE TABLE IF NOT EXISTS events (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  revision BIGINT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, revision)
);
`,
  },
  {
    version: 2,
    // The lease sweeper asks which workspaces have leases due, across all of them.
    description: 'rows by lease expiry alone',
    sql: `CREATE INDEX IF NOT EXISTS rows_by_lease_due ON rows (lease_expires_at) WHERE owner IS NOT NULL;`,
  },
]
