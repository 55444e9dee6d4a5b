/**
 * The SQLite schema. Records are stored whole as JSON in `data`; the other
 * columns exist only to index what queries filter and sort on.
 */
export const SQLITE_MIGRATIONS = `
CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  revision INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  frozen INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  row_seq INTEGER NOT NULL DEFAULT 0
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
  lease_expires_at INTEGER,
  priority REAL NOT NULL,
  seq INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX IF NOT EXISTS rows_by_status ON rows (workspace_id, table_name, status, priority DESC, seq);
CREATE INDEX IF NOT EXISTS rows_by_seq ON rows (workspace_id, table_name, seq);
CREATE INDEX IF NOT EXISTS rows_by_lease ON rows (workspace_id, lease_expires_at) WHERE owner IS NOT NULL;
CREATE INDEX IF NOT EXISTS rows_by_lease_due ON rows (lease_expires_at) WHERE owner IS NOT NULL;
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
  revision INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, revision)
) WITHOUT ROWID;
`
