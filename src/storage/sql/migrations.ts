/**
 * The schema of both databases as one numbered list. Each migration runs
 * once, in order, inside one transaction; a migration's SQL is written once
 * unless the dialects truly differ (then one text per dialect).
 *
 * SQLite records the last applied id in `PRAGMA user_version`; PostgreSQL in
 * its `dock_migrations` table (kept from release 0.1.0, whose migration 1 it
 * already records). Release 0.1.0's SQLite store has user_version 0 but the
 * tables of migration 1: that migration only creates what is missing, so
 * such a store upgrades like an empty one.
 */
import type { Dialect } from './dialect.js'

export interface Migration {
  readonly id: number
  readonly name: string
  readonly sql: string | ((dialect: Dialect) => string)
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'workspaces, principals, tables, rows, docs, events',
    // Release 0.1.0's schema, as each database had it. The types differ (SQLite has no
    // BIGINT/BOOLEAN/DOUBLE PRECISION of its own), and SQLite's events were a WITHOUT ROWID table.
    sql: (d) => {
      const t = d.name === 'sqlite' ? { bigint: 'INTEGER', bool: 'INTEGER', false: '0', double: 'REAL' } : { bigint: 'BIGINT', bool: 'BOOLEAN', false: 'false', double: 'DOUBLE PRECISION' }
      return `
CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  revision ${t.bigint} NOT NULL,
  head_hash TEXT NOT NULL,
  frozen ${t.bool} NOT NULL DEFAULT ${t.false},
  created_at TEXT NOT NULL,
  row_seq ${t.bigint} NOT NULL DEFAULT 0
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
  lease_expires_at ${t.bigint},
  priority ${t.double} NOT NULL,
  seq ${t.bigint} NOT NULL,
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
  revision ${t.bigint} NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, revision)
)${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''};
`
    },
  },
  {
    id: 2,
    // Numbered as release 0.1.0's successor on PostgreSQL numbered it, so a store that ran it
    // skips it here. The lease sweeper asks which workspaces have leases due, across all of them.
    name: 'rows by lease expiry alone',
    sql: `CREATE INDEX IF NOT EXISTS rows_by_lease_due ON rows (lease_expires_at) WHERE owner IS NOT NULL;`,
  },
  {
    id: 3,
    name: 'rows: expired leases in (expiry, seq) order; one status in seq order',
    // listExpiredLeases breaks ties on seq, so the index carries it and the sweep reads in index
    // order; a board column (one status, creation order) gets its own index instead of sorting
    // the priority-ordered one.
    sql: `
DROP INDEX IF EXISTS rows_by_lease;
CREATE INDEX rows_by_lease ON rows (workspace_id, lease_expires_at, seq) WHERE owner IS NOT NULL;
CREATE INDEX IF NOT EXISTS rows_by_status_seq ON rows (workspace_id, table_name, status, seq);
`,
  },
]

export function migrationSql(migration: Migration, dialect: Dialect): string {
  return typeof migration.sql === 'string' ? migration.sql : migration.sql(dialect)
}
