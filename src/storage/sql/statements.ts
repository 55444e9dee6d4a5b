/**
 * Every statement the record store runs, written once for both databases.
 * Placeholders are PostgreSQL's `$n` (a value used twice is one parameter);
 * the SQLite driver rewrites them. What the databases spell differently goes
 * through the `Dialect`; nothing outside this file and `migrations.ts` writes
 * record-store SQL.
 *
 * Records are stored whole as JSON text in `data`; the other columns exist
 * only to index what queries filter and sort on.
 */
import type { EventQueryFilter, RowQuery } from '../storage.js'
import type { Dialect } from './dialect.js'

export interface Statement {
  readonly text: string
  readonly values: readonly unknown[]
}

const stmt = (text: string, ...values: unknown[]): Statement => ({ text, values })

/** The columns a workspace record is read from (the drivers' lock statement reads the same). */
export const WORKSPACE_COLUMNS = 'id, name, revision, head_hash, frozen, created_at'

// ------------------------------------------------------------------ workspaces

/** An id and a name may be equal (different workspaces): the id wins. */
export const getWorkspace = (idOrName: string): Statement =>
  stmt(
    `SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1 OR name = $1 ORDER BY (id = $1) DESC LIMIT 1`,
    idOrName,
  )

export const listWorkspaces = (): Statement =>
  stmt(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces ORDER BY created_at, id`)

export const insertWorkspace = (ws: {
  id: string
  name: string
  revision: number
  headHash: string
  frozen: boolean
  createdAt: string
}): Statement =>
  stmt(
    'INSERT INTO workspaces (id, name, revision, head_hash, frozen, created_at, row_seq) VALUES ($1, $2, $3, $4, $5, $6, 0)',
    ws.id,
    ws.name,
    ws.revision,
    ws.headHash,
    ws.frozen,
    ws.createdAt,
  )

export const updateWorkspace = (ws: { id: string; revision: number; headHash: string; frozen: boolean }): Statement =>
  stmt(
    'UPDATE workspaces SET revision = $1, head_hash = $2, frozen = $3 WHERE id = $4',
    ws.revision,
    ws.headHash,
    ws.frozen,
    ws.id,
  )

/** Workspaces other than the home one holding a principal `principalId` created (their operators: the quota). */
export const countWorkspacesCreatedBy = (
  d: Dialect,
  principalId: string,
  homeWorkspaceId: string,
  quotaRoot: string,
): Statement =>
  stmt(
    `SELECT COUNT(DISTINCT workspace_id) AS n FROM principals WHERE ${d.jsonText('data', ['quotaRoot'])} = $3 OR (${d.jsonText('data', ['quotaRoot'])} IS NULL AND workspace_id <> $1 AND ${d.jsonText('data', ['createdBy'])} = $2)`,
    homeWorkspaceId,
    principalId,
    quotaRoot,
  )

/** Which workspaces have leases due, across all of them (rows_by_lease_due); the sweeper then visits only those. */
export const listWorkspacesWithExpiredLeases = (d: Dialect, now: number, limit: number): Statement =>
  stmt(
    `SELECT DISTINCT workspace_id FROM ${d.tableVia('rows', 'rows_by_lease_due')} WHERE owner IS NOT NULL AND lease_expires_at < $1 LIMIT $2`,
    now,
    limit,
  )

/** Increments and returns the workspace's row creation counter (a row lock on PostgreSQL, inside the writer on SQLite). */
export const nextRowSeq = (workspaceId: string): Statement =>
  stmt('UPDATE workspaces SET row_seq = row_seq + 1 WHERE id = $1 RETURNING row_seq', workspaceId)

// ------------------------------------------------------------------ principals

export const getPrincipal = (workspaceId: string, id: string): Statement =>
  stmt('SELECT data FROM principals WHERE workspace_id = $1 AND id = $2', workspaceId, id)

export const getPrincipalByName = (workspaceId: string, name: string): Statement =>
  stmt('SELECT data FROM principals WHERE workspace_id = $1 AND name = $2', workspaceId, name)

export const getPrincipalByKeyHash = (keyHash: string): Statement =>
  stmt('SELECT data FROM principals WHERE key_hash = $1', keyHash)

export const listPrincipals = (workspaceId: string): Statement =>
  stmt('SELECT data FROM principals WHERE workspace_id = $1 ORDER BY created_at, id', workspaceId)

export const insertPrincipal = (
  p: { workspaceId: string; id: string; name: string; keyHash: string; createdAt: string },
  data: string,
): Statement =>
  stmt(
    'INSERT INTO principals (workspace_id, id, name, key_hash, created_at, data) VALUES ($1, $2, $3, $4, $5, $6)',
    p.workspaceId,
    p.id,
    p.name,
    p.keyHash,
    p.createdAt,
    data,
  )

export const updatePrincipal = (
  p: { workspaceId: string; id: string; name: string; keyHash: string },
  data: string,
): Statement =>
  stmt(
    'UPDATE principals SET name = $1, key_hash = $2, data = $3 WHERE workspace_id = $4 AND id = $5',
    p.name,
    p.keyHash,
    data,
    p.workspaceId,
    p.id,
  )

// ------------------------------------------------------------------ tables

export const getTable = (workspaceId: string, name: string): Statement =>
  stmt('SELECT data FROM tables WHERE workspace_id = $1 AND name = $2', workspaceId, name)

export const listTables = (workspaceId: string): Statement =>
  stmt('SELECT data FROM tables WHERE workspace_id = $1 ORDER BY name', workspaceId)

export const insertTable = (t: { workspaceId: string; name: string; id: string }, data: string): Statement =>
  stmt('INSERT INTO tables (workspace_id, name, id, data) VALUES ($1, $2, $3, $4)', t.workspaceId, t.name, t.id, data)

export const updateTable = (t: { workspaceId: string; name: string }, data: string): Statement =>
  stmt('UPDATE tables SET data = $1 WHERE workspace_id = $2 AND name = $3', data, t.workspaceId, t.name)

// ------------------------------------------------------------------ rows

/** The indexed columns of a row, in the order `insertRow` and `updateRow` bind them. */
export interface RowColumns {
  readonly workspaceId: string
  readonly id: string
  readonly table: string
  readonly status: string
  readonly owner: string | null
  /** ms since epoch. */
  readonly leaseExpiresAt: number | null
  readonly priority: number
  readonly seq: number
}

export const getRow = (workspaceId: string, id: string): Statement =>
  stmt('SELECT data FROM rows WHERE workspace_id = $1 AND id = $2', workspaceId, id)

/** Rows by id (two or more ids; the caller orders them as asked). */
export const getRows = (d: Dialect, workspaceId: string, ids: readonly string[]): Statement => {
  const values: unknown[] = [workspaceId]
  const param = (v: unknown): string => `$${values.push(v)}`
  return { text: `SELECT data FROM rows WHERE workspace_id = $1 AND ${d.inList('id', ids, param)}`, values }
}

/** A row query; null when it cannot match anything (an empty status list). */
export const queryRows = (d: Dialect, q: RowQuery): Statement | null => {
  const values: unknown[] = [q.workspaceId, q.table]
  const param = (v: unknown): string => `$${values.push(v)}`
  const where = ['workspace_id = $1', 'table_name = $2']
  if (q.statuses !== undefined) {
    if (q.statuses.length === 0) return null
    // One status (the common case: a board column, claimable rows) is a plain equality the
    // planner matches against the (…, status, …) indexes without expanding a list.
    where.push(q.statuses.length === 1 ? `status = ${param(q.statuses[0])}` : d.inList('status', q.statuses, param))
  }
  if (q.owner !== undefined) where.push(`owner = ${param(q.owner)}`)
  // A literal, not a parameter: both planners match it against the partial ready indexes only so.
  if (q.ready === true) where.push('blockers_left = 0')
  if (q.unownedAt !== undefined) where.push(`(owner IS NULL OR lease_expires_at < ${param(q.unownedAt)})`)
  let order: string
  if (q.order === 'claim') {
    if (q.afterKey !== undefined) {
      const priority = param(q.afterKey.priority)
      where.push(`(priority < ${priority} OR (priority = ${priority} AND seq > ${param(q.afterKey.seq)}))`)
    }
    order = 'priority DESC, seq ASC'
  } else {
    if (q.afterSeq !== undefined) where.push(`seq > ${param(q.afterSeq)}`)
    order = 'seq ASC'
  }
  return {
    text: `SELECT data FROM rows WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${param(q.limit)}`,
    values,
  }
}

/** Oldest expiry first; rows whose leases ended at the same instant in creation order. */
export const listExpiredLeases = (workspaceId: string, now: number, limit: number): Statement =>
  stmt(
    'SELECT data FROM rows WHERE workspace_id = $1 AND owner IS NOT NULL AND lease_expires_at < $2 ORDER BY lease_expires_at, seq LIMIT $3',
    workspaceId,
    now,
    limit,
  )

/** How many rows of a table are in each status, as row_counts keeps them. */
export const countRowsByStatus = (workspaceId: string, table: string): Statement =>
  stmt('SELECT status, n FROM row_counts WHERE workspace_id = $1 AND table_name = $2 AND n <> 0', workspaceId, table)

/** A new row: its status's count goes up (the first row in a status creates the count). */
export const countInsertedRow = (r: RowColumns): Statement =>
  stmt(
    'INSERT INTO row_counts (workspace_id, table_name, status, n) VALUES ($1, $2, $3, 1) ON CONFLICT (workspace_id, table_name, status) DO UPDATE SET n = row_counts.n + 1',
    r.workspaceId,
    r.table,
    r.status,
  )

/**
 * Before a row is updated: when its status (or table) is about to change, the old status's count
 * goes down and the new one's up. Both read the stored row, so the store keeps the counts
 * whoever writes the row; a write that keeps the status changes nothing here.
 */
export const countStatusChange = (r: RowColumns): Statement[] => [
  stmt(
    // `= (SELECT …)`, a one-row subquery run once by primary key: as `IN (SELECT …)` PostgreSQL
    // without statistics planned a scan of every row in each counted status (160 ms at 40k rows).
    'UPDATE row_counts SET n = n - 1 WHERE workspace_id = $1 AND (table_name, status) = (SELECT table_name, status FROM rows WHERE workspace_id = $1 AND id = $3) AND (table_name <> $2 OR status <> $4)',
    r.workspaceId,
    r.table,
    r.id,
    r.status,
  ),
  stmt(
    'INSERT INTO row_counts (workspace_id, table_name, status, n) SELECT $1, $2, $4, 1 WHERE EXISTS (SELECT 1 FROM rows WHERE workspace_id = $1 AND id = $3 AND (table_name <> $2 OR status <> $4)) ON CONFLICT (workspace_id, table_name, status) DO UPDATE SET n = row_counts.n + 1',
    r.workspaceId,
    r.table,
    r.id,
    r.status,
  ),
]

export const insertRow = (r: RowColumns, data: string): Statement =>
  stmt(
    'INSERT INTO rows (workspace_id, id, table_name, status, owner, lease_expires_at, priority, seq, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    r.workspaceId,
    r.id,
    r.table,
    r.status,
    r.owner,
    r.leaseExpiresAt,
    r.priority,
    r.seq,
    data,
  )

export const updateRow = (r: RowColumns, data: string): Statement =>
  stmt(
    'UPDATE rows SET table_name = $3, status = $4, owner = $5, lease_expires_at = $6, priority = $7, seq = $8, data = $9 WHERE workspace_id = $1 AND id = $2',
    r.workspaceId,
    r.id,
    r.table,
    r.status,
    r.owner,
    r.leaseExpiresAt,
    r.priority,
    r.seq,
    data,
  )

/** A row's unfinished-blocker count, set outright (the service counted it). */
export const setBlockersLeft = (workspaceId: string, rowId: string, n: number): Statement =>
  stmt('UPDATE rows SET blockers_left = $1 WHERE workspace_id = $2 AND id = $3', n, workspaceId, rowId)

export const deleteRowBlockers = (workspaceId: string, rowId: string): Statement =>
  stmt('DELETE FROM row_blockers WHERE workspace_id = $1 AND row_id = $2', workspaceId, rowId)

/** The edges from each blocker to the row it holds back (the ids are distinct: the service dedupes them). */
export const insertRowBlockers = (workspaceId: string, rowId: string, blockerIds: readonly string[]): Statement => {
  const values: unknown[] = [workspaceId, rowId]
  const tuples = blockerIds.map((id) => `($1, $${values.push(id)}, $2)`)
  return { text: `INSERT INTO row_blockers (workspace_id, blocker_id, row_id) VALUES ${tuples.join(', ')}`, values }
}

/** Moves the unfinished-blocker count of every row `blockerId` holds back, in one statement however many. */
export const adjustDependents = (workspaceId: string, blockerId: string, delta: number): Statement =>
  stmt(
    'UPDATE rows SET blockers_left = blockers_left + $1 WHERE workspace_id = $2 AND id IN (SELECT row_id FROM row_blockers WHERE workspace_id = $2 AND blocker_id = $3)',
    delta,
    workspaceId,
    blockerId,
  )

/**
 * For a table whose done statuses changed: moves the count of every row blocked by a
 * row of `table` in one of `statuses`, by `delta` per such blocker.
 */
export const adjustDependentsOfTable = (
  d: Dialect,
  workspaceId: string,
  table: string,
  statuses: readonly string[],
  delta: number,
): Statement => {
  const values: unknown[] = [delta, workspaceId, table]
  const param = (v: unknown): string => `$${values.push(v)}`
  const blockers = (statusList: string): string =>
    `FROM row_blockers e JOIN rows b ON b.workspace_id = e.workspace_id AND b.id = e.blocker_id WHERE e.workspace_id = $2 AND b.table_name = $3 AND ${statusList}`
  const statusIn = (): string =>
    statuses.length === 1 ? `b.status = ${param(statuses[0])}` : d.inList('b.status', statuses, param)
  return {
    text: `UPDATE rows SET blockers_left = blockers_left + $1 * (SELECT count(*) ${blockers(statusIn())} AND e.row_id = rows.id) WHERE workspace_id = $2 AND id IN (SELECT e.row_id ${blockers(statusIn())})`,
    values,
  }
}

// ------------------------------------------------------------------ docs

/** Titles need not be unique: an id match wins, then the oldest doc (creation time, then id). */
export const getDoc = (workspaceId: string, idOrTitle: string): Statement =>
  stmt(
    'SELECT data FROM docs WHERE workspace_id = $1 AND (id = $2 OR title = $2) ORDER BY (id = $2) DESC, created_at, id LIMIT 1',
    workspaceId,
    idOrTitle,
  )

export const listDocs = (workspaceId: string): Statement =>
  stmt('SELECT data FROM docs WHERE workspace_id = $1 ORDER BY created_at, id', workspaceId)

export const insertDoc = (
  d: { workspaceId: string; id: string; title: string; createdAt: string },
  data: string,
): Statement =>
  stmt(
    'INSERT INTO docs (workspace_id, id, title, created_at, data) VALUES ($1, $2, $3, $4, $5)',
    d.workspaceId,
    d.id,
    d.title,
    d.createdAt,
    data,
  )

export const updateDoc = (d: { workspaceId: string; id: string; title: string }, data: string): Statement =>
  stmt('UPDATE docs SET title = $1, data = $2 WHERE workspace_id = $3 AND id = $4', d.title, data, d.workspaceId, d.id)

// ------------------------------------------------------------------ events

/** The indexed columns of an event, lifted from its record so the log's filters run in the database. */
export interface EventColumns {
  readonly workspaceId: string
  readonly revision: number
  readonly table: string | null
  readonly status: string | null
  readonly doc: string | null
  /** The target's id when the target is a row. */
  readonly row: string | null
  readonly actor: string
  readonly type: string
}

export const appendEvent = (e: EventColumns, data: string): Statement =>
  stmt(
    'INSERT INTO events (workspace_id, revision, table_name, status, doc_id, row_id, actor, type, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    e.workspaceId,
    e.revision,
    e.table,
    e.status,
    e.doc,
    e.row,
    e.actor,
    e.type,
    data,
  )

/** A log read; null when the filter cannot match anything (an empty list). */
export const listEvents = (
  d: Dialect,
  workspaceId: string,
  since: number,
  limit: number,
  filter: EventQueryFilter = {},
): Statement | null => {
  const values: unknown[] = [workspaceId, since]
  const param = (v: unknown): string => `$${values.push(v)}`
  const where = ['workspace_id = $1', 'revision > $2']
  const oneOf = (column: string, list: readonly string[]): string =>
    list.length === 1 ? `${column} = ${param(list[0])}` : d.inList(column, list, param)
  const fields = [
    ['table_name', filter.tables],
    ['status', filter.statuses],
    ['doc_id', filter.docs],
    ['row_id', filter.rows],
    ['actor', filter.actors],
  ] as const
  for (const [column, list] of fields) {
    if (list === undefined) continue
    if (list.length === 0) return null
    where.push(oneOf(column, list))
  }
  if (filter.types !== undefined) {
    if (filter.types.length === 0) return null
    const exact = filter.types.filter((t) => !t.endsWith('.*'))
    // `row.*` keeps its dot: a prefix test, written without LIKE so `_` and `%` in a type mean themselves.
    const prefixes = filter.types.filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1))
    const any = [
      ...(exact.length > 0 ? [oneOf('type', exact)] : []),
      ...prefixes.map((p) => `substr(type, 1, ${p.length}) = ${param(p)}`),
    ]
    where.push(any.length === 1 ? any[0]! : `(${any.join(' OR ')})`)
  }
  return {
    text: `SELECT data FROM events WHERE ${where.join(' AND ')} ORDER BY revision LIMIT ${param(limit)}`,
    values,
  }
}
