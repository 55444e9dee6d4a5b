import { DockError } from '../domain/errors.js'
import type { Storage } from '../storage/storage.js'
import { authorize } from './access.js'
import { DocService } from './doc-service.js'
import { EventService } from './event-service.js'
import { IdentityService } from './identity-service.js'
import { NoteService } from './note-service.js'
import { RowService } from './row-service.js'
import { ServiceCore } from './service-core.js'
import type { Caller } from './service-types.js'
import { StatsService } from './stats-service.js'
import { TableService } from './table-service.js'

export type {
  AuditReport,
  Caller,
  Claim,
  EventsPage,
  Precondition,
  PrincipalView,
  RowNote,
  RowNotePage,
  WorkspaceStats,
} from './service-types.js'
export { publicPrincipal } from './records.js'

export interface DockServiceOptions {
  /** The store, opened by the start-up module (the service never picks an adapter). */
  readonly storage: Storage
  /** Injectable clock, for lease tests. */
  readonly now?: () => number
  /** Workspaces one operator principal may create (default 100). */
  readonly maxWorkspacesPerOperator?: number | undefined
  /**
   * Writes a consistent copy of the whole store to a new file, while writes go
   * on. Given by the start-up module for stores that can (SQLite); PostgreSQL
   * stores are backed up with pg_dump instead.
   */
  readonly snapshot?: StoreSnapshot
}

export type StoreSnapshot = (file: string) => Promise<void>

/** The workspace the first start creates; its operators run the store itself (backups hold every workspace). */
export const STORE_WORKSPACE = 'default'

/** What `GET /v1/health` reports: the store answered a read. */
export interface DockHealth {
  readonly ok: true
  readonly storage: Storage['kind']
}

/**
 * Dock's rules in one place: every edge (HTTP, MCP, CLI) calls this, and only
 * the service calls storage. Each write runs in one store transaction that
 * appends its events, so state and log can never disagree.
 *
 * The work is split by concept, one part each: `identity` (workspaces,
 * principals, operator switches), `tables`, `rows` (rows, claims, leases),
 * `docs` and `events` (feed and audit), over one shared core. The store and
 * the change hub stay inside: edges ask `health()` and `onSuspended()`.
 */
export class DockService {
  readonly identity: IdentityService
  readonly tables: TableService
  readonly rows: RowService
  readonly docs: DocService
  readonly events: EventService
  /** Notes on rows (stored as `row.note_added` events). */
  readonly notes: NoteService
  /** Crew health and the /metrics figures. */
  readonly stats: StatsService
  readonly #core: ServiceCore
  readonly #snapshot: StoreSnapshot | undefined

  constructor(options: DockServiceOptions) {
    this.#core = new ServiceCore({
      storage: options.storage,
      now: options.now,
      maxWorkspacesPerOperator: options.maxWorkspacesPerOperator,
    })
    this.#snapshot = options.snapshot
    this.rows = new RowService(this.#core)
    this.identity = new IdentityService(this.#core, this.rows)
    this.tables = new TableService(this.#core)
    this.docs = new DocService(this.#core)
    this.events = new EventService(this.#core)
    this.notes = new NoteService(this.#core, this.events)
    this.stats = new StatsService(this.#core)
  }

  now(): number {
    return this.#core.now()
  }

  /** Liveness and storage readiness: throws when the store cannot answer a read. */
  async health(): Promise<DockHealth> {
    await this.#core.storage.read((tx) => tx.listWorkspaces())
    return { ok: true, storage: this.#core.storage.kind }
  }

  /**
   * Writes a backup of the whole store to `file`. A backup holds every
   * workspace, so only an operator of workspace `default` (the store's own,
   * made by the first start) may take one: an operator of another workspace
   * must not read its neighbours through it.
   */
  async backup(caller: Caller, file: string): Promise<void> {
    authorize(caller, 'store.backup')
    const own = await this.identity.getWorkspace(caller, caller.principal.workspaceId)
    if (own.name !== STORE_WORKSPACE) {
      throw new DockError(
        'forbidden',
        `a backup holds every workspace: only an operator of workspace "${STORE_WORKSPACE}" may take one`,
      )
    }
    if (this.#snapshot === undefined) {
      throw new DockError(
        'not_found',
        `this server cannot snapshot its ${this.#core.storage.kind} store; back PostgreSQL up with pg_dump`,
      )
    }
    await this.#snapshot(file)
  }

  /**
   * Hears every suspension, whichever node made it: the change hub reads it
   * from the log (suspend() on this node replies only once the hub has), so
   * there is one channel for all of them.
   */
  onSuspended(listener: (principalId: string) => void): () => void {
    return this.#core.hub.onSuspended(listener)
  }

  /** Calls `fn` once if `principalId` is suspended while the watch is open (an SSE stream's life); returns the unwatch. */
  watchSuspension(principalId: string, fn: () => void): () => void {
    return this.#core.hub.watchSuspension(principalId, fn)
  }

  async close(): Promise<void> {
    this.#core.hub.close()
    await this.#core.storage.close()
  }
}
