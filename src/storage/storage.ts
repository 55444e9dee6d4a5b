import type { Doc, DockEvent, Principal, Row, Table, Workspace } from '../domain/types.js'

/**
 * Stored workspace: the public record plus the head of its hash chain.
 */
export interface WorkspaceRecord extends Workspace {
  readonly headHash: string
}

/** Stored principal: the public record plus the hash of its key. */
export interface PrincipalRecord extends Principal {
  readonly keyHash: string
  /**
   * On the operator a workspace was created with: the principal whose workspace quota
   * it counts against (its creator's root, so operators of created workspaces cannot
   * create more to reset the count). Absent on records written before it existed.
   */
  readonly quotaRoot?: string
}

export interface ClaimCandidates {
  readonly lapsed: Row[]
  readonly candidates: Row[]
}

export interface RowQuery {
  readonly workspaceId: string
  readonly table: string
  readonly statuses?: readonly string[]
  readonly owner?: string
  /** Only rows whose `seq` is greater (pagination cursor, `seq` order). */
  readonly afterSeq?: number
  /**
   * `seq`: creation order. `claim`: priority descending, then `seq` ascending;
   * with `claim` the cursor is `afterKey` instead of `afterSeq`.
   */
  readonly order: 'seq' | 'claim'
  readonly afterKey?: { readonly priority: number; readonly seq: number }
  /** Only rows without a live owner at this instant (ms since epoch). */
  readonly unownedAt?: number
  /** Only rows whose stored unfinished-blocker count is zero (see `setRowBlockers`). */
  readonly ready?: boolean
  readonly limit: number
}

/**
 * Which events a log read returns; every present field must match, any value
 * within a field may (an empty list matches nothing). The same semantics as
 * the service's watch and log filters, evaluated by the store on indexed
 * columns so a filtered read costs what it returns.
 */
export interface EventQueryFilter {
  readonly tables?: readonly string[] | undefined
  /** The row status after the change (row events). */
  readonly statuses?: readonly string[] | undefined
  readonly docs?: readonly string[] | undefined
  /** Row ids: events whose target is one of these rows. */
  readonly rows?: readonly string[] | undefined
  readonly actors?: readonly string[] | undefined
  /** Exact types, or prefixes written `row.*`. */
  readonly types?: readonly string[] | undefined
}

/**
 * A unit of work against the store. Methods are async so one service runs on
 * both the embedded and the networked backend. Records go in and come out
 * whole; the store indexes the few fields queries need.
 */
export interface Tx {
  getWorkspace(idOrName: string): Promise<WorkspaceRecord | null>
  listWorkspaces(): Promise<WorkspaceRecord[]>
  /**
   * How many workspaces other than `homeWorkspaceId` hold a principal created by
   * `principalId`: creating a workspace creates its operator, attributed to the creator.
   */
  countWorkspacesCreatedBy(principalId: string, homeWorkspaceId: string, quotaRoot: string): Promise<number>
  insertWorkspace(ws: WorkspaceRecord): Promise<void>
  /** Writes revision, headHash and frozen. */
  updateWorkspace(ws: WorkspaceRecord): Promise<void>

  getPrincipal(workspaceId: string, id: string): Promise<PrincipalRecord | null>
  getPrincipalByName(workspaceId: string, name: string): Promise<PrincipalRecord | null>
  getPrincipalByKeyHash(keyHash: string): Promise<PrincipalRecord | null>
  listPrincipals(workspaceId: string): Promise<PrincipalRecord[]>
  insertPrincipal(p: PrincipalRecord): Promise<void>
  updatePrincipal(p: PrincipalRecord): Promise<void>

  getTable(workspaceId: string, name: string): Promise<Table | null>
  listTables(workspaceId: string): Promise<Table[]>
  insertTable(t: Table): Promise<void>
  updateTable(t: Table): Promise<void>

  getRow(workspaceId: string, id: string): Promise<Row | null>
  getRows(workspaceId: string, ids: readonly string[]): Promise<Row[]>
  queryRows(q: RowQuery): Promise<Row[]>
  /** Rows whose lease expired before `now` (ms), oldest expiry first. */
  listExpiredLeases(workspaceId: string, now: number, limit: number): Promise<Row[]>
  /**
   * Ids of the workspaces holding at least one lease that expired before `now`
   * (ms), at most `limit`. Indexed on lease expiry alone, so the sweeper's idle
   * cost does not grow with the number of workspaces.
   */
  listWorkspacesWithExpiredLeases(now: number, limit: number): Promise<string[]>
  /** How many rows of the table are in each status (statuses without rows are absent). */
  countRowsByStatus(workspaceId: string, table: string): Promise<Record<string, number>>
  /**
   * What claim-next reads before it picks, in one round trip where the store can:
   * of the workspace's `lapsedLimit` oldest leases that lapsed before `lapsedBefore`,
   * those of the query's table (oldest expiry first), and the first page of `q`.
   */
  claimCandidates(q: RowQuery, lapsedBefore: number, lapsedLimit: number): Promise<ClaimCandidates>
  insertRow(r: Row): Promise<void>
  updateRow(r: Row): Promise<void>
  /**
   * Records which rows block `rowId` and how many of them are unfinished. The
   * store keeps the count beside the row (never in the record, so writing a row
   * read earlier cannot undo an adjustment); `ready` queries read it.
   */
  setRowBlockers(workspaceId: string, rowId: string, blockerIds: readonly string[], unfinished: number): Promise<void>
  /** Adds `delta` to the unfinished-blocker count of every row `blockerId` blocks. */
  adjustDependents(workspaceId: string, blockerId: string, delta: number): Promise<void>
  /**
   * Adds `delta` to the count of every row blocked by a row of `table` whose status
   * is in `statuses`, once per such blocker (a table's done statuses changed).
   */
  adjustDependentsOfTable(workspaceId: string, table: string, statuses: readonly string[], delta: number): Promise<void>
  /** Next value of the workspace's row creation counter. */
  nextRowSeq(workspaceId: string): Promise<number>

  getDoc(workspaceId: string, idOrTitle: string): Promise<Doc | null>
  listDocs(workspaceId: string): Promise<Doc[]>
  insertDoc(d: Doc): Promise<void>
  updateDoc(d: Doc): Promise<void>

  appendEvent(e: DockEvent): Promise<void>
  /**
   * Events with revision > since, ascending, at most `limit`; with `filter`,
   * only those matching it. A filtered read shorter than `limit` has looked
   * at every event up to the workspace revision of the same transaction.
   */
  listEvents(workspaceId: string, since: number, limit: number, filter?: EventQueryFilter): Promise<DockEvent[]>
}

/**
 * The storage port. Adapters: `sqlite/sqlite-storage.ts` (embedded default) and
 * `postgres/postgres-storage.ts`. Both pass `test/storage/storage-conformance.case.ts`.
 */
export interface Storage {
  readonly kind: 'sqlite' | 'postgres'
  /** Creates or migrates the schema. Idempotent. */
  init(): Promise<void>
  close(): Promise<void>
  /**
   * Runs `fn` in one transaction holding the write lock of `workspaceId` (or
   * no workspace lock when null, e.g. creating a workspace). Writes to one
   * workspace are serialised, which is what keeps revisions gap-free and the
   * hash chain linear. Commits when `fn` resolves, rolls back when it throws.
   * The commit is durable before the promise resolves.
   */
  write<T>(workspaceId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T>
  /** Runs `fn` against committed state; never sees another transaction's uncommitted writes. */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
  /**
   * Subscribes to commits made by any node sharing this store: the listener
   * hears (workspaceId, revision) as a wake-up hint; the log is the truth.
   */
  onCommit(listener: (workspaceId: string, revision: number) => void): () => void
}
