import type { Storage } from '../storage/storage.js'
import { DocService } from './doc-service.js'
import { EventService } from './event-service.js'
import { IdentityService } from './identity-service.js'
import { RowService } from './row-service.js'
import { ServiceCore } from './service-core.js'
import { TableService } from './table-service.js'

export type { AuditReport, Caller, ClaimResult, EventPage, Precondition, PrincipalView } from './service-types.js'
export { publicPrincipal } from './records.js'

export interface DockServiceOptions {
  /** The store, opened by the start-up module (the service never picks an adapter). */
  readonly storage: Storage
  /** Injectable clock, for lease tests. */
  readonly now?: () => number
  /** Workspaces one operator principal may create (default 100). */
  readonly maxWorkspacesPerOperator?: number | undefined
}

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
  readonly #core: ServiceCore

  constructor(options: DockServiceOptions) {
    this.#core = new ServiceCore({ storage: options.storage, now: options.now, maxWorkspacesPerOperator: options.maxWorkspacesPerOperator })
    this.rows = new RowService(this.#core)
    this.identity = new IdentityService(this.#core, this.rows)
    this.tables = new TableService(this.#core)
    this.docs = new DocService(this.#core)
    this.events = new EventService(this.#core)
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
   * Hears every suspension: at once for those made on this node, and through
   * the log for those made on other nodes sharing the store. Edges close the
   * principal's open streams (a principal may be heard twice; closing is idempotent).
   */
  onSuspended(listener: (principalId: string) => void): () => void {
    const offLocal = this.identity.onSuspend(listener)
    const offRemote = this.#core.hub.onSuspended(listener)
    return () => {
      offLocal()
      offRemote()
    }
  }

  async close(): Promise<void> {
    this.#core.hub.close()
    await this.#core.storage.close()
  }
}
