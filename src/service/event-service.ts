import { DockError } from '../domain/errors.js'
import { hashEvent } from '../domain/event-hash.js'
import { type DockEvent, GENESIS_HASH, SYSTEM_ACTOR } from '../domain/types.js'
import { type EventFilter, eventMatches } from './event-filter.js'
import { yieldToEventLoop } from './event-loop.js'
import type { WaitHandle } from './change-hub.js'
import type { ServiceCore } from './service-core.js'
import type { AuditReport, Caller, EventsPage } from './service-types.js'

/** Events the audit check reads per page. */
const AUDIT_PAGE = 2000

/** The log as a feed (filters, long-poll) and as an audit trail (hash chain verification). */
export class EventService {
  readonly #core: ServiceCore

  constructor(core: ServiceCore) {
    this.#core = core
  }

  /** Resolves names in a filter to ids (actor by name, doc by title) so matching is by id. */
  async resolveFilter(caller: Caller, ws: string, filter: EventFilter): Promise<EventFilter> {
    const w = await this.#core.readWorkspace(caller, ws)
    return this.#core.storage.read(async (tx) => {
      const actors =
        filter.actors === undefined
          ? undefined
          : await Promise.all(
              filter.actors.map(async (a) =>
                a === SYSTEM_ACTOR
                  ? a
                  : (((await tx.getPrincipal(w.id, a)) ?? (await tx.getPrincipalByName(w.id, a)))?.id ?? a),
              ),
            )
      const docs =
        filter.docs === undefined
          ? undefined
          : await Promise.all(filter.docs.map(async (d) => (await tx.getDoc(w.id, d))?.id ?? d))
      return { ...filter, ...(actors ? { actors } : {}), ...(docs ? { docs } : {}) }
    })
  }

  /**
   * Events after `since` that match `filter`. With `waitMs`, holds the call
   * until a matching event exists or the time is up (long-poll). A wait ends
   * with `principal_suspended` when the caller is suspended meanwhile, on any
   * node: what others write after a suspension is not the suspended one's to see.
   *
   * Reads go page by page and yield to the event loop between pages, so a scan
   * of a long log never holds other requests up for more than one page.
   */
  async listEvents(
    caller: Caller,
    ws: string,
    opts: {
      since: number
      limit: number
      filter: EventFilter
      waitMs?: number
      signal?: AbortSignal
      /**
       * Ask the log, not only the change hub's tail, on the first look (default true). Watch loops
       * that call again right after a page pass false: they are served from the tail like any
       * woken watcher, so a write costs one read per node whatever the number of watchers.
       */
      fresh?: boolean
    },
  ): Promise<EventsPage> {
    // Watch loops call this at every wake: resolve the workspace from the id cache, not the store.
    const w = { id: await this.#core.workspaceId(caller, ws) }
    const waitMs = opts.waitMs ?? 0
    const wait: WaitHandle = { cancel: () => undefined }
    let suspended = false
    const stopWatching =
      waitMs > 0
        ? this.#core.hub.watchSuspension(caller.principal.id, () => {
            suspended = true
            wait.cancel()
          })
        : () => undefined
    const aborted = (): boolean => suspended || opts.signal?.aborted === true
    try {
      const deadline = this.#core.now() + waitMs
      let since = opts.since
      let fresh = opts.fresh ?? true
      for (;;) {
        const items: DockEvent[] = []
        const pageSize = Math.max(opts.limit, 200)
        for (let pages = 0; ; pages++) {
          if (pages > 0) await yieldToEventLoop()
          if (aborted()) break
          const page = await this.#core.hub.eventsAfter(w.id, since, pageSize, { fresh })
          for (const e of page) {
            since = e.revision
            if (eventMatches(e, opts.filter)) {
              items.push(e)
              if (items.length === opts.limit) break
            }
          }
          // A short page is the end of what is known; a wake-up brings the rest, so do not probe the log again.
          if (items.length === opts.limit || page.length < pageSize) break
          // A full page and more behind it: a scan through history, where the store's indexes find
          // the matches without reading every event in between (watchers at the head stay on the tail).
          if (storeCanFilter(opts.filter)) {
            const rest = await this.#matchesFromStore(w.id, since, opts.limit - items.length, opts.filter)
            items.push(...rest.items)
            since = rest.scanned
            break
          }
        }
        fresh = false
        if (suspended)
          throw new DockError('principal_suspended', `principal ${caller.principal.name} was suspended while it waited`)
        const revision = Math.max(
          since,
          this.#core.hub.knownRevision(w.id) ??
            (await this.#core.storage.read((tx) => tx.getWorkspace(w.id)))?.revision ??
            since,
        )
        const left = deadline - this.#core.now()
        if (items.length > 0 || left <= 0 || aborted()) {
          return {
            items,
            revision,
            nextSince: items.length === opts.limit ? items[items.length - 1]!.revision : Math.max(since, opts.since),
          }
        }
        await this.#core.hub.waitForRevision(w.id, since, left, opts.signal, wait)
      }
    } finally {
      stopWatching()
    }
  }

  /** Matching events after `since`, and the revision up to which the log was looked at (the head, for a short page). */
  async #matchesFromStore(
    workspaceId: string,
    since: number,
    limit: number,
    filter: EventFilter,
  ): Promise<{ items: DockEvent[]; scanned: number }> {
    return this.#core.storage.read(async (tx) => {
      const found = await tx.listEvents(workspaceId, since, limit, filter)
      const items = found.filter((e) => eventMatches(e, filter))
      if (found.length === limit) return { items, scanned: found[found.length - 1]!.revision }
      return { items, scanned: Math.max(since, (await tx.getWorkspace(workspaceId))?.revision ?? since) }
    })
  }

  /**
   * Re-hashes the log from the first event and reports the first link that does not hold.
   * Checks the log up to the head read first, page by page in separate reads with a yield
   * between them: the log is append-only, so pages read later still belong to that head,
   * and a long chain does not hold every other request up while it is checked.
   */
  async verifyAudit(caller: Caller, ws: string): Promise<AuditReport> {
    const head = await this.#core.readWorkspace(caller, ws)
    const headRevision = head.revision
    let prevHash = GENESIS_HASH
    let expected = 1
    let checked = 0
    while (expected <= headRevision) {
      if (checked > 0) await yieldToEventLoop()
      const page = await this.#core.storage.read((tx) =>
        tx.listEvents(head.id, expected - 1, Math.min(AUDIT_PAGE, headRevision - expected + 1)),
      )
      for (const e of page) {
        const fail = (reason: string): AuditReport => ({
          ok: false,
          checked,
          headRevision,
          firstBreak: { revision: e.revision, reason },
        })
        if (e.revision !== expected)
          return {
            ok: false,
            checked,
            headRevision,
            firstBreak: { revision: expected, reason: 'revision missing from the log' },
          }
        if (e.prevHash !== prevHash) return fail('prevHash does not match the previous event')
        const { hash, ...body } = e
        if (hashEvent(body) !== hash) return fail('event content does not match its hash')
        prevHash = hash
        expected++
        checked++
      }
      if (page.length === 0) break
    }
    if (checked !== headRevision) {
      return {
        ok: false,
        checked,
        headRevision,
        firstBreak: { revision: checked + 1, reason: 'log ends before the workspace revision' },
      }
    }
    if (head.headHash !== prevHash) {
      return {
        ok: false,
        checked,
        headRevision,
        firstBreak: { revision: headRevision, reason: 'workspace head hash does not match the last event' },
      }
    }
    return { ok: true, checked, headRevision, firstBreak: null }
  }
}

/** The filter fields the store evaluates itself; a filter with any other field is matched here only. */
const STORE_FILTER_FIELDS: ReadonlySet<string> = new Set(['tables', 'statuses', 'docs', 'rows', 'actors', 'types'])

function storeCanFilter(filter: EventFilter): boolean {
  const fields = Object.entries(filter).filter(([, value]) => value !== undefined)
  return fields.length > 0 && fields.every(([field]) => STORE_FILTER_FIELDS.has(field))
}
