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
      const t =
        d.name === 'sqlite'
          ? { bigint: 'INTEGER', bool: 'INTEGER', false: '0', double: 'REAL' }
          : { bigint: 'BIGINT', bool: 'BOOLEAN', false: 'false', double: 'DOUBLE PRECISION' }
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
    // Numbered as the permissions branch numbered it for PostgreSQL, so a store that ran it there
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
  {
    id: 4,
    name: 'events: indexed filter columns (table, status, doc, row, actor, type); SQLite events as a rowid table',
    // The log's filters run in the database, on columns lifted from each record (backfilled here
    // from the stored JSON, written by appendEvent from then on), so a filtered read costs what it
    // returns. On SQLite the WITHOUT ROWID table keeps each record inside its primary-key b-tree,
    // whose cells hold ~1 KB before spilling: a ~1.4 KB event took an overflow page of its own.
    // A rowid table holds records up to a page in its leaves, so the table is rebuilt; PostgreSQL
    // only gains columns.
    sql: (d) => {
      const j = (...path: string[]): string => d.jsonText('data', path)
      const lifted = `${j('target', 'table')}, ${j('target', 'status')}, ${j('target', 'doc')},
  CASE WHEN ${j('target', 'kind')} = 'row' THEN ${j('target', 'id')} END, ${j('actor')}, ${j('type')}`
      const restructure =
        d.name === 'sqlite'
          ? `
CREATE TABLE events_v4 (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  revision INTEGER NOT NULL,
  table_name TEXT,
  status TEXT,
  doc_id TEXT,
  row_id TEXT,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, revision)
);
INSERT INTO events_v4 (workspace_id, revision, table_name, status, doc_id, row_id, actor, type, data)
SELECT workspace_id, revision, ${lifted}, data FROM events ORDER BY workspace_id, revision;
DROP TABLE events;
ALTER TABLE events_v4 RENAME TO events;
`
          : `
ALTER TABLE events ADD COLUMN table_name TEXT, ADD COLUMN status TEXT, ADD COLUMN doc_id TEXT,
  ADD COLUMN row_id TEXT, ADD COLUMN actor TEXT, ADD COLUMN type TEXT;
UPDATE events SET (table_name, status, doc_id, row_id, actor, type) = (SELECT ${lifted});
ALTER TABLE events ALTER COLUMN actor SET NOT NULL, ALTER COLUMN type SET NOT NULL;
`
      return `${restructure}
CREATE INDEX events_by_table ON events (workspace_id, table_name, revision) WHERE table_name IS NOT NULL;
CREATE INDEX events_by_doc ON events (workspace_id, doc_id, revision) WHERE doc_id IS NOT NULL;
CREATE INDEX events_by_row ON events (workspace_id, row_id, revision) WHERE row_id IS NOT NULL;
CREATE INDEX events_by_actor ON events (workspace_id, actor, revision);
CREATE INDEX events_by_type ON events (workspace_id, type, revision);
`
    },
  },
  {
    id: 5,
    name: 'rows: stored readiness (unfinished-blocker count and the edges that maintain it)',
    // claim-next and `ready=true` used to check each candidate's blockers one row at a time, so
    // their cost grew with the blocked rows in front of the first ready one. Each row now carries
    // how many of its blockers are unfinished (kept by the service as blockers change status), and
    // `row_blockers` finds the rows a blocker holds back; the partial indexes hold ready rows only,
    // so a scan for ready rows never visits a blocked one. The backfill applies the rule the
    // service applies: a blocker is finished when its status is one of its table's `done`
    // statuses; a missing blocker or table is unfinished. Only claim-next reads in claim order, and
    // only for ready rows, so the ready index replaces the full one.
    sql: (d) => {
      const int = d.name === 'sqlite' ? 'INTEGER' : 'BIGINT'
      const edges =
        d.name === 'sqlite'
          ? `SELECT DISTINCT r.workspace_id, b.value, r.id FROM rows r, json_each(r.data, '$.blockedBy') b`
          : `SELECT DISTINCT r.workspace_id, b.value, r.id FROM rows r, json_array_elements_text(r.data::json -> 'blockedBy') b`
      const isDone =
        d.name === 'sqlite'
          ? `EXISTS (SELECT 1 FROM json_each(t.data, '$.workflow.done') dn WHERE dn.value = b.status)`
          : `EXISTS (SELECT 1 FROM json_array_elements_text(t.data::json -> 'workflow' -> 'done') dn WHERE dn = b.status)`
      return `
ALTER TABLE rows ADD COLUMN blockers_left ${int} NOT NULL DEFAULT 0;
CREATE TABLE row_blockers (
  workspace_id TEXT NOT NULL,
  blocker_id TEXT NOT NULL,
  row_id TEXT NOT NULL,
  PRIMARY KEY (workspace_id, blocker_id, row_id)
);
INSERT INTO row_blockers (workspace_id, blocker_id, row_id) ${edges};
UPDATE rows SET blockers_left = (
  SELECT count(*) FROM row_blockers e
  LEFT JOIN rows b ON b.workspace_id = e.workspace_id AND b.id = e.blocker_id
  LEFT JOIN tables t ON t.workspace_id = b.workspace_id AND t.name = b.table_name
  WHERE e.workspace_id = rows.workspace_id AND e.row_id = rows.id AND NOT (b.id IS NOT NULL AND t.name IS NOT NULL AND ${isDone})
) WHERE EXISTS (SELECT 1 FROM row_blockers e WHERE e.workspace_id = rows.workspace_id AND e.row_id = rows.id);
DROP INDEX IF EXISTS rows_by_status;
CREATE INDEX rows_ready_claim ON rows (workspace_id, table_name, status, priority DESC, seq) WHERE blockers_left = 0;
CREATE INDEX rows_ready_seq ON rows (workspace_id, table_name, status, seq) WHERE blockers_left = 0;
`
    },
  },
  {
    id: 6,
    name: 'row_counts: rows per (workspace, table, status), kept as rows change status',
    // The console's home and /metrics show rows by status; counting them with GROUP BY read every
    // row of the table (100 ms at 100k rows on PostgreSQL). The service keeps this table as rows
    // are created and change status, so the counts cost what the statuses are, not the rows.
    sql: `
CREATE TABLE row_counts (
  workspace_id TEXT NOT NULL,
  table_name TEXT NOT NULL,
  status TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, table_name, status)
);
INSERT INTO row_counts (workspace_id, table_name, status, n)
SELECT workspace_id, table_name, status, count(*) FROM rows GROUP BY workspace_id, table_name, status;
`,
  },
]

export function migrationSql(migration: Migration, dialect: Dialect): string {
  return typeof migration.sql === 'string' ? migration.sql : migration.sql(dialect)
}
