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
}

/**
 * Dock's rules in one place: every edge (HTTP, MCP, CLI) calls this, and only
 * the service calls storage. Each write runs in one store transaction that
 * appends its events, so state and log can never disagree.
 *
 * The work is split by concept (identity, tables, rows, docs, events); this
 * facade forwards to those parts so edges hold one object.
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
    this.#core = new ServiceCore({ storage: options.storage, now: options.now })
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

  // workspaces, principals, operator switches
  readonly bootstrap = (...a: Parameters<IdentityService['bootstrap']>): ReturnType<IdentityService['bootstrap']> => this.identity.bootstrap(...a)
  readonly authenticate = (...a: Parameters<IdentityService['authenticate']>): ReturnType<IdentityService['authenticate']> => this.identity.authenticate(...a)
  readonly authenticateAgain = (...a: Parameters<IdentityService['authenticateAgain']>): ReturnType<IdentityService['authenticateAgain']> => this.identity.authenticateAgain(...a)
  readonly me = (...a: Parameters<IdentityService['me']>): ReturnType<IdentityService['me']> => this.identity.me(...a)
  readonly createWorkspace = (...a: Parameters<IdentityService['createWorkspace']>): ReturnType<IdentityService['createWorkspace']> => this.identity.createWorkspace(...a)
  readonly getWorkspace = (...a: Parameters<IdentityService['getWorkspace']>): ReturnType<IdentityService['getWorkspace']> => this.identity.getWorkspace(...a)
  readonly createPrincipal = (...a: Parameters<IdentityService['createPrincipal']>): ReturnType<IdentityService['createPrincipal']> => this.identity.createPrincipal(...a)
  readonly listPrincipals = (...a: Parameters<IdentityService['listPrincipals']>): ReturnType<IdentityService['listPrincipals']> => this.identity.listPrincipals(...a)
  readonly getPrincipal = (...a: Parameters<IdentityService['getPrincipal']>): ReturnType<IdentityService['getPrincipal']> => this.identity.getPrincipal(...a)
  readonly suspend = (...a: Parameters<IdentityService['suspend']>): ReturnType<IdentityService['suspend']> => this.identity.suspend(...a)
  readonly resume = (...a: Parameters<IdentityService['resume']>): ReturnType<IdentityService['resume']> => this.identity.resume(...a)
  readonly setFrozen = (...a: Parameters<IdentityService['setFrozen']>): ReturnType<IdentityService['setFrozen']> => this.identity.setFrozen(...a)
  readonly onSuspend = (...a: Parameters<IdentityService['onSuspend']>): ReturnType<IdentityService['onSuspend']> => this.identity.onSuspend(...a)

  // tables and contracts
  readonly createTable = (...a: Parameters<TableService['createTable']>): ReturnType<TableService['createTable']> => this.tables.createTable(...a)
  readonly listTables = (...a: Parameters<TableService['listTables']>): ReturnType<TableService['listTables']> => this.tables.listTables(...a)
  readonly getTable = (...a: Parameters<TableService['getTable']>): ReturnType<TableService['getTable']> => this.tables.getTable(...a)
  readonly publishSchema = (...a: Parameters<TableService['publishSchema']>): ReturnType<TableService['publishSchema']> => this.tables.publishSchema(...a)

  // rows, claims, leases
  readonly createRow = (...a: Parameters<RowService['createRow']>): ReturnType<RowService['createRow']> => this.rows.createRow(...a)
  readonly getRow = (...a: Parameters<RowService['getRow']>): ReturnType<RowService['getRow']> => this.rows.getRow(...a)
  readonly listRows = (...a: Parameters<RowService['listRows']>): ReturnType<RowService['listRows']> => this.rows.listRows(...a)
  readonly updateRow = (...a: Parameters<RowService['updateRow']>): ReturnType<RowService['updateRow']> => this.rows.updateRow(...a)
  readonly claim = (...a: Parameters<RowService['claim']>): ReturnType<RowService['claim']> => this.rows.claim(...a)
  readonly claimNext = (...a: Parameters<RowService['claimNext']>): ReturnType<RowService['claimNext']> => this.rows.claimNext(...a)
  readonly heartbeat = (...a: Parameters<RowService['heartbeat']>): ReturnType<RowService['heartbeat']> => this.rows.heartbeat(...a)
  readonly release = (...a: Parameters<RowService['release']>): ReturnType<RowService['release']> => this.rows.release(...a)
  readonly transition = (...a: Parameters<RowService['transition']>): ReturnType<RowService['transition']> => this.rows.transition(...a)
  readonly sweepLeases = (...a: Parameters<RowService['sweepLeases']>): ReturnType<RowService['sweepLeases']> => this.rows.sweepLeases(...a)
  readonly sweepAllLeases = (...a: Parameters<RowService['sweepAllLeases']>): ReturnType<RowService['sweepAllLeases']> => this.rows.sweepAllLeases(...a)

  // docs and sections
  readonly createDoc = (...a: Parameters<DocService['createDoc']>): ReturnType<DocService['createDoc']> => this.docs.createDoc(...a)
  readonly listDocs = (...a: Parameters<DocService['listDocs']>): ReturnType<DocService['listDocs']> => this.docs.listDocs(...a)
  readonly getDoc = (...a: Parameters<DocService['getDoc']>): ReturnType<DocService['getDoc']> => this.docs.getDoc(...a)
  readonly replaceDoc = (...a: Parameters<DocService['replaceDoc']>): ReturnType<DocService['replaceDoc']> => this.docs.replaceDoc(...a)
  readonly getSection = (...a: Parameters<DocService['getSection']>): ReturnType<DocService['getSection']> => this.docs.getSection(...a)
  readonly writeSection = (...a: Parameters<DocService['writeSection']>): ReturnType<DocService['writeSection']> => this.docs.writeSection(...a)
  readonly sectionHistory = (...a: Parameters<DocService['sectionHistory']>): ReturnType<DocService['sectionHistory']> => this.docs.sectionHistory(...a)
  readonly lockDoc = (...a: Parameters<DocService['lockDoc']>): ReturnType<DocService['lockDoc']> => this.docs.lockDoc(...a)
  readonly unlockDoc = (...a: Parameters<DocService['unlockDoc']>): ReturnType<DocService['unlockDoc']> => this.docs.unlockDoc(...a)

  // the log: feed and audit
  readonly resolveFilter = (...a: Parameters<EventService['resolveFilter']>): ReturnType<EventService['resolveFilter']> => this.events.resolveFilter(...a)
  readonly listEvents = (...a: Parameters<EventService['listEvents']>): ReturnType<EventService['listEvents']> => this.events.listEvents(...a)
  readonly verifyAudit = (...a: Parameters<EventService['verifyAudit']>): ReturnType<EventService['verifyAudit']> => this.events.verifyAudit(...a)
}
