import type { Storage } from '../storage/storage.js'
import type { ChangeHub } from './change-hub.js'
import { DocService } from './doc-service.js'
import { EventService } from './event-service.js'
import { IdentityService } from './identity-service.js'
import { RowService } from './row-service.js'
import { ServiceCore } from './service-core.js'
import { TableService } from './table-service.js'

export type { AuditReport, Caller, ClaimResult, EventPage, Precondition, PrincipalView } from './service-types.js'
export { publicPrincipal } from './records.js'

export interface DockServiceOptions {
  readonly storage: Storage
  /** Injectable clock, for lease tests. */
  readonly now?: () => number
  /** Workspaces one operator principal may create (default 100). */
  readonly maxWorkspacesPerOperator?: number | undefined
}

/**
 * Dock's rules in one place: every edge (HTTP, MCP, CLI) calls this, and only
 * the service calls storage. Each write runs in one store transaction that
 * appends its events, so state and log can never disagree.
 *
 * The work is split by concept, one part each: `identity` (workspaces,
 * principals, operator switches), `tables`, `rows` (rows, claims, leases),
 * `docs` and `events` (feed and audit), over one shared core.
 */
export class DockService {
  readonly storage: Storage
  readonly hub: ChangeHub
  readonly identity: IdentityService
  readonly tables: TableService
  readonly rows: RowService
  readonly docs: DocService
  readonly events: EventService
  readonly #core: ServiceCore

  constructor(options: DockServiceOptions) {
    this.#core = new ServiceCore({ storage: options.storage, now: options.now, maxWorkspacesPerOperator: options.maxWorkspacesPerOperator })
    this.storage = this.#core.storage
    this.hub = this.#core.hub
    this.rows = new RowService(this.#core)
    this.identity = new IdentityService(this.#core, this.rows)
    this.tables = new TableService(this.#core)
    this.docs = new DocService(this.#core)
    this.events = new EventService(this.#core)
  }

  now(): number {
    return this.#core.now()
  }

  async close(): Promise<void> {
    this.hub.close()
    await this.storage.close()
  }
}
