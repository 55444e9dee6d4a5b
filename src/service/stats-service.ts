import type { DockEvent, Row, Table } from '../domain/types.js'
import { authorize } from './access.js'
import type { ServiceCore } from './service-core.js'
import type { AgentStats, Caller, StatsRowRef, TableStats, WorkspaceStats } from './service-types.js'

/** The recent log the stats read: enough for an hour of a busy crew, bounded so the cost never grows with history. */
export const STATS_WINDOW_EVENTS = 5000
/** A lease running out within this is "about to expire". */
export const LEASE_SOON_MS = 60_000
/** A claimant silent (no heartbeat, no write) this long is "stuck". */
export const STUCK_AFTER_MS = 5 * 60_000
const HOUR_MS = 60 * 60_000
const LIST_CAP = 50
/** Rows read per table for the lists (review, dead letters, live claims; 50 shown): the oldest come first, since reads go in creation order. */
const STATS_ROW_CAP = 200
const TITLE_COLUMNS = ['title', 'name', 'summary', 'subject', 'task']

/**
 * Crew health for the console's home view and for GET /metrics: current state
 * (rows by status, review backlog, leases, dead letters) plus a bounded recent
 * window of the log (activity, lease expiries, tasks done per hour).
 */
export class StatsService {
  readonly #core: ServiceCore

  constructor(core: ServiceCore) {
    this.#core = core
  }

  async stats(caller: Caller, ws: string): Promise<WorkspaceStats> {
    const w = await this.#core.readWorkspace(caller, ws)
    const now = this.#core.now()
    // Counts come from the store's row_counts; only the rows the view lists are read (review, dead
    // letters, live claims), each list bounded, so the cost follows the crew's open work, not the
    // table's history of done rows.
    const { tables, counts, rowsByTable, principals } = await this.#core.storage.read(async (tx) => {
      const tables = await tx.listTables(w.id)
      const counts = new Map<string, Record<string, number>>()
      const rowsByTable = new Map<string, Row[]>()
      for (const t of tables) {
        counts.set(t.name, await tx.countRowsByStatus(w.id, t.name))
        const listed = [...reviewStatusesOf(t)]
        if (t.workflow.claim !== null) listed.push(t.workflow.claim.to, t.workflow.claim.deadLetter)
        const statuses = [...new Set(listed)]
        // One status at a time: each read walks the (…, status, seq) index in order and stops at the cap.
        const rows: Row[] = []
        for (const status of statuses)
          rows.push(
            ...(await tx.queryRows({
              workspaceId: w.id,
              table: t.name,
              statuses: [status],
              order: 'seq',
              limit: STATS_ROW_CAP,
            })),
          )
        rowsByTable.set(t.name, rows)
      }
      return { tables, counts, rowsByTable, principals: await tx.listPrincipals(w.id) }
    })
    const toRevision = w.revision
    const fromRevision = Math.max(0, toRevision - STATS_WINDOW_EVENTS)
    const recent: DockEvent[] = []
    for (let since = fromRevision; since < toRevision;) {
      const page = await this.#core.hub.eventsAfter(w.id, since, 1000)
      if (page.length === 0) break
      recent.push(...page)
      since = page[page.length - 1]!.revision
    }

    const ref = (t: Table, r: Row): StatsRowRef => ({
      table: t.name,
      id: r.id,
      title: titleOf(t, r),
      status: r.status,
      updatedAt: r.updatedAt,
      ageMs: Math.max(0, now - Date.parse(r.updatedAt)),
    })
    const tableStats: TableStats[] = []
    const review: StatsRowRef[] = []
    const soon: (StatsRowRef & { owner: string; expiresAt: string })[] = []
    const dead: StatsRowRef[] = []
    const claimsBy = new Map<string, number>()
    let reviewWaiting = 0
    let deadTotal = 0
    for (const t of tables) {
      const rows = rowsByTable.get(t.name) ?? []
      const reviewStatuses = reviewStatusesOf(t)
      const deadLetter = t.workflow.claim?.deadLetter ?? null
      const byStatus: Record<string, number> = {
        ...Object.fromEntries(t.workflow.statuses.map((s) => [s, 0])),
        ...counts.get(t.name),
      }
      // Totals from the counts: the rows read below are capped, the counts are not.
      for (const st of reviewStatuses) reviewWaiting += byStatus[st] ?? 0
      if (deadLetter !== null) deadTotal += byStatus[deadLetter] ?? 0
      for (const r of rows) {
        if (reviewStatuses.includes(r.status)) review.push(ref(t, r))
        if (deadLetter !== null && r.status === deadLetter) dead.push(ref(t, r))
        if (r.owner !== null && r.leaseExpiresAt !== null) {
          const left = Date.parse(r.leaseExpiresAt) - now
          if (left > 0) claimsBy.set(r.owner, (claimsBy.get(r.owner) ?? 0) + 1)
          if (left > 0 && left <= LEASE_SOON_MS)
            soon.push({ ...ref(t, r), owner: r.owner, expiresAt: r.leaseExpiresAt })
        }
      }
      tableStats.push({ table: t.name, byStatus, reviewStatuses, deadLetterStatus: deadLetter })
    }
    review.sort((a, b) => b.ageMs - a.ageMs)
    soon.sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt))
    dead.sort((a, b) => b.ageMs - a.ageMs)

    const doneBy = new Map<string, number>()
    const lastActive = new Map<string, string>()
    const expiries = new Map<string, number>()
    const doneStatuses = new Map(tables.map((t) => [t.name, t.workflow.done]))
    for (const e of recent) {
      lastActive.set(e.actor, e.ts)
      if (e.type === 'row.lease_expired') {
        const owner = (e.before as Row | null)?.owner
        if (owner) expiries.set(owner, (expiries.get(owner) ?? 0) + 1)
      }
      if (e.type === 'row.transitioned' && now - Date.parse(e.ts) <= HOUR_MS) {
        const after = e.after as Row | null
        // Credit the row's author (its last claimant): the agent that did the work, not the reviewer who approved it.
        if (after && (doneStatuses.get(after.table) ?? []).includes(after.status))
          doneBy.set(after.author, (doneBy.get(after.author) ?? 0) + 1)
      }
    }
    const agents: AgentStats[] = principals.map((p) => {
      const open = claimsBy.get(p.id) ?? 0
      const last = lastActive.get(p.id) ?? null
      const silentMs = last === null ? Number.POSITIVE_INFINITY : now - Date.parse(last)
      const state: AgentStats['state'] =
        p.status === 'suspended' ? 'suspended' : open === 0 ? 'idle' : silentMs >= STUCK_AFTER_MS ? 'stuck' : 'working'
      return {
        id: p.id,
        name: p.name,
        kind: p.kind,
        state,
        openClaims: open,
        lastActiveAt: last,
        doneLastHour: doneBy.get(p.id) ?? 0,
        leaseExpiries: expiries.get(p.id) ?? 0,
      }
    })

    return {
      revision: toRevision,
      generatedAt: new Date(now).toISOString(),
      window: { fromRevision, toRevision, events: recent.length, since: recent[0]?.ts ?? null },
      tables: tableStats,
      review: { waiting: reviewWaiting, oldestAgeMs: review[0]?.ageMs ?? null, rows: review.slice(0, LIST_CAP) },
      leasesExpiringSoon: { soonMs: LEASE_SOON_MS, rows: soon.slice(0, LIST_CAP) },
      deadLetters: { total: deadTotal, rows: dead.slice(0, LIST_CAP) },
      agents,
    }
  }

  /**
   * The same figures in Prometheus text format (0.0.4). Operator only: the
   * figures name every principal and the shape of the work, which is more than
   * an anonymous scraper should learn; a scraper gets its own operator key.
   */
  async metrics(caller: Caller): Promise<string> {
    authorize(caller, 'metrics.read')
    const s = await this.stats(caller, caller.principal.workspaceId)
    const out: string[] = []
    const metric = (
      name: string,
      help: string,
      type: 'gauge' | 'counter',
      samples: [Record<string, string>, number][],
    ): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      for (const [labels, v] of samples) out.push(`${name}${labelText(labels)} ${Number.isFinite(v) ? v : 0}`)
    }
    metric('dock_workspace_revision', 'Current revision of the workspace (one per write).', 'counter', [
      [{}, s.revision],
    ])
    metric(
      'dock_rows',
      'Rows by table and status.',
      'gauge',
      s.tables.flatMap((t) =>
        Object.entries(t.byStatus).map(
          ([status, n]) => [{ table: t.table, status }, n] as [Record<string, string>, number],
        ),
      ),
    )
    metric('dock_review_waiting', 'Rows waiting in a review status.', 'gauge', [[{}, s.review.waiting]])
    metric('dock_review_oldest_age_seconds', 'Age of the oldest row waiting for review.', 'gauge', [
      [{}, (s.review.oldestAgeMs ?? 0) / 1000],
    ])
    metric('dock_leases_expiring_soon', `Live leases running out within ${LEASE_SOON_MS / 1000} s.`, 'gauge', [
      [{}, s.leasesExpiringSoon.rows.length],
    ])
    metric('dock_dead_letter_rows', 'Rows in a dead-letter status.', 'gauge', [[{}, s.deadLetters.total]])
    const states = ['working', 'stuck', 'idle', 'suspended'] as const
    metric(
      'dock_principals',
      'Principals by state.',
      'gauge',
      states.map((st) => [{ state: st }, s.agents.filter((a) => a.state === st).length]),
    )
    metric(
      'dock_tasks_done_last_hour',
      'Rows a principal authored that reached a done status in the last hour.',
      'gauge',
      s.agents.map((a) => [{ principal: a.name }, a.doneLastHour]),
    )
    metric(
      'dock_open_claims',
      'Live claims held, by principal.',
      'gauge',
      s.agents.map((a) => [{ principal: a.name }, a.openClaims]),
    )
    return out.join('\n') + '\n'
  }
}

/** Statuses a `not:author` gate leads out of: where rows wait for someone else's approval. */
export function reviewStatusesOf(t: Table): string[] {
  const out = new Set<string>()
  for (const tr of t.workflow.transitions)
    if ((tr.require ?? []).includes('not:author') && tr.from !== '*') out.add(tr.from)
  return [...out]
}

function titleOf(t: Table, r: Row): string {
  for (const c of TITLE_COLUMNS) {
    const v = r.values[c]
    if (typeof v === 'string' && v.trim() !== '') return v
  }
  for (const col of t.columns) {
    const v = r.values[col.name]
    if (col.name !== t.workflow.statusColumn && col.type === 'text' && typeof v === 'string' && v.trim() !== '')
      return v
  }
  return r.id
}

/** Label values escape backslash, quote and newline (exposition format 0.0.4). */
function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  )
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}
