/**
 * The shapes MCP replies take: what an agent needs to act, sized for a
 * model's context. Bookkeeping a model never acts on (workspace ids, hashes,
 * creation sequence numbers, the status repeated inside the values) is left
 * out; principals appear by name with the ids in the reply's legend; events
 * say what changed instead of carrying both full snapshots. `detail: "full"`
 * on the reading tools returns the API's records unchanged.
 */
import type { Doc, DockEvent, Principal, Row, Section, Table } from '../domain/types.js'
import type { Legend, NameBook } from './name-book.js'

/** Longest string value an event summary quotes; longer ones are cut with their length noted. */
const QUOTE_CHARS = 160

export interface RowView {
  readonly id: string
  readonly status: string
  readonly version: number
  readonly values: Record<string, unknown>
  readonly owner?: string
  readonly leaseExpiresAt?: string
  readonly fencingToken?: number
  readonly blockedBy?: readonly string[]
  readonly requiredSkills?: readonly string[]
  readonly priority?: number
  readonly attempts?: number
  readonly author: string | null
  readonly updatedBy: string | null
  readonly updatedAt: string
}

/** A row as an agent works with it: id, status, version (for expectedVersion), values; claim fields only while claimed. */
export async function rowView(row: Row, legend: Legend, book: NameBook): Promise<RowView> {
  const statusColumn = await book.statusColumn(row.table)
  const values = { ...row.values }
  if (values[statusColumn] === row.status) delete values[statusColumn]
  return {
    id: row.id,
    status: row.status,
    version: row.version,
    values,
    ...(row.owner !== null ? { owner: (await legend.name(row.owner)) ?? row.owner } : {}),
    ...(row.owner !== null && row.leaseExpiresAt !== null
      ? { leaseExpiresAt: row.leaseExpiresAt, fencingToken: row.fencingToken }
      : {}),
    ...(row.blockedBy.length > 0 ? { blockedBy: row.blockedBy } : {}),
    ...(row.requiredSkills.length > 0 ? { requiredSkills: row.requiredSkills } : {}),
    ...(row.priority !== 0 ? { priority: row.priority } : {}),
    ...(row.attempts > 0 ? { attempts: row.attempts } : {}),
    author: await legend.name(row.author),
    updatedBy: await legend.name(row.updatedBy),
    updatedAt: row.updatedAt,
  }
}

/** The short label of a row: its title (or name, summary, key) column when it has one. */
export function rowTitle(values: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (values === undefined) return undefined
  for (const column of ['title', 'name', 'summary', 'subject', 'key']) {
    const v = values[column]
    if (typeof v === 'string' && v !== '') return v
  }
  return undefined
}

/** A table's contract in brief: columns as `name:type[!]`, the workflow as it gates agents. */
export function tableView(table: Table): Record<string, unknown> {
  const wf = table.workflow
  return {
    name: table.name,
    contractVersion: table.contractVersion,
    columns: table.columns
      .filter((c) => c.name !== wf.statusColumn)
      .map(
        (c) =>
          `${c.name}:${c.type}${c.type === 'enum' && c.values ? `(${c.values.join('|')})` : ''}${c.type === 'ref' && c.table ? `(${c.table})` : ''}${c.required ? '!' : ''}`,
      ),
    statuses: wf.statuses,
    initial: wf.initial,
    done: wf.done,
    claim:
      wf.claim === null
        ? null
        : {
            from: wf.claim.from,
            to: wf.claim.to,
            leaseMs: wf.claim.leaseMs,
            maxAttempts: wf.claim.maxAttempts,
            deadLetter: wf.claim.deadLetter,
          },
    transitions: wf.transitions.map(
      (t) => `${t.from}→${t.to} by ${t.by.join('|')}${t.require?.length ? ` (${t.require.join(', ')})` : ''}`,
    ),
  }
}

export async function sectionView(section: Section, legend: Legend, withBody = true): Promise<Record<string, unknown>> {
  return {
    key: section.key,
    heading: section.heading,
    version: section.version,
    ...(withBody ? { body: section.body } : {}),
    editedBy: await legend.name(section.editedBy),
    editedAt: section.editedAt,
    ...(section.lane !== null ? { lane: await legend.name(section.lane) } : {}),
  }
}

/** A doc with its sections (bodies included unless `withBodies` is false), versions and editors by name. */
export async function docView(
  doc: Doc | (Omit<Doc, 'sections'> & { sections?: readonly Omit<Section, 'body'>[] }),
  legend: Legend,
  withBodies = true,
): Promise<Record<string, unknown>> {
  const sections = []
  for (const s of doc.sections ?? []) sections.push(await sectionView(s as Section, legend, withBodies && 'body' in s))
  return {
    id: doc.id,
    title: doc.title,
    version: doc.version,
    updatedBy: await legend.name(doc.updatedBy),
    updatedAt: doc.updatedAt,
    ...(doc.lock !== null ? { lock: { owner: await legend.name(doc.lock.owner), expiresAt: doc.lock.expiresAt } } : {}),
    sections,
  }
}

export async function principalView(p: Principal, legend: Legend): Promise<Record<string, unknown>> {
  await legend.name(p.id)
  return {
    name: p.name,
    kind: p.kind,
    roles: p.roles,
    ...(p.skills.length > 0 ? { skills: p.skills } : {}),
    ...(p.status !== 'active' ? { status: p.status } : {}),
  }
}

/**
 * An event in brief. The target's fields sit on the event itself (`table`,
 * `row`, `title`; `doc`, `title`, `section`; `principal`): a hundred events
 * must fit a model's context, and a nested object costs its keys every time.
 */
export interface EventSummary {
  readonly rev: number
  /** When, to the second (UTC); after the first event of a day in a page, the time of day only. */
  readonly at: string
  readonly type: string
  readonly by: string | null
  readonly changed?: Record<string, unknown>
  readonly [target: string]: unknown
}

/**
 * One event in brief: who did what to which thing (by name and title), and
 * the fields that changed (new values; `[before, after]` for the status and
 * the owner). Long text is quoted up to QUOTE_CHARS; section bodies are
 * summarised as lines added and removed.
 */
export async function summarizeEvent(e: DockEvent, legend: Legend, book: NameBook): Promise<EventSummary> {
  const target = await targetView(e, book)
  const changed = await changes(e, legend, book)
  return {
    rev: e.revision,
    at: toSecond(e.ts),
    type: e.type,
    by: await legend.name(e.actor),
    ...target,
    ...(changed !== undefined && Object.keys(changed).length > 0 ? { changed } : {}),
  }
}

/** The event as the log holds it, minus the chain fields (hashes, signature) a model has no use for. */
export function fullEvent(event: DockEvent): Record<string, unknown> {
  const { revision, ts, actor, type, target, before, after, requestId } = event
  return { revision, ts, actor, type, target, before, after, ...(requestId ? { requestId } : {}) }
}

async function targetView(e: DockEvent, book: NameBook): Promise<Record<string, unknown>> {
  const t = e.target
  switch (t.kind) {
    case 'row': {
      const values = (asRecord(e.after)?.['values'] ?? asRecord(e.before)?.['values']) as
        Record<string, unknown> | undefined
      const title = rowTitle(values)
      return { table: t.table, row: t.id, ...(title !== undefined ? { title: quote(title) } : {}) }
    }
    case 'doc': {
      const fromEvent =
        e.type === 'doc.created' || e.type === 'doc.replaced'
          ? (asRecord(e.after)?.['title'] as string | undefined)
          : undefined
      if (fromEvent !== undefined) book.learnDoc(t.id, fromEvent)
      const title = fromEvent ?? (await book.doc(t.doc ?? t.id))
      return {
        doc: t.doc ?? t.id,
        ...(title !== undefined ? { title } : {}),
        ...(t.section !== undefined ? { section: t.section } : {}),
      }
    }
    case 'table':
      return { table: t.table ?? t.id }
    case 'principal': {
      const name = (asRecord(e.after)?.['name'] as string | undefined) ?? (await book.principal(t.id))
      if (name !== null && name !== t.id) book.learnPrincipal(t.id, name)
      return { principal: name ?? t.id }
    }
    case 'workspace':
      return {}
  }
}

async function changes(e: DockEvent, legend: Legend, book: NameBook): Promise<Record<string, unknown> | undefined> {
  const before = asRecord(e.before)
  const after = asRecord(e.after)
  switch (e.type) {
    case 'row.created':
    case 'row.updated':
    case 'row.claimed':
    case 'row.heartbeat':
    case 'row.released':
    case 'row.transitioned':
    case 'row.lease_expired':
    case 'row.requeued':
      return rowChanges(before, after, e.target.table, legend, book)
    case 'row.note_added':
      // A note changes no value: its text is the whole of it.
      return { note: after?.['text'] }
    case 'doc.created':
      return { sections: ((after?.['sections'] as Section[] | undefined) ?? []).map((s) => s.key) }
    case 'doc.replaced':
      return { version: after?.['version'], sections: after?.['changedSections'] }
    case 'doc.section_written': {
      const body = typeof after?.['body'] === 'string' ? after['body'] : ''
      const old = typeof before?.['body'] === 'string' ? before['body'] : ''
      const { added, removed } = lineChanges(old, body)
      return {
        version: after?.['version'],
        ...(before === null ? { heading: after?.['heading'] } : {}),
        lines: `+${added} -${removed}`,
        ...(after?.['lane'] !== (before?.['lane'] ?? null)
          ? { lane: await legend.name(after?.['lane'] as string | null) }
          : {}),
      }
    }
    case 'doc.locked':
      return { lock: { owner: await legend.name(after?.['owner'] as string), expiresAt: after?.['expiresAt'] } }
    case 'doc.unlocked':
      return { lock: null }
    case 'table.created':
    case 'table.schema_published':
      return { contractVersion: after?.['contractVersion'] }
    case 'principal.created':
      return pick(null, after, [
        'kind',
        'roles',
        ...(Array.isArray(after?.['skills']) && after['skills'].length > 0 ? ['skills'] : []),
      ])
    case 'principal.updated':
    case 'principal.suspended':
    case 'principal.resumed':
      return pick(before, after, ['roles', 'skills', 'status', 'kind'])
    case 'workspace.created':
      return undefined
    case 'workspace.frozen':
    case 'workspace.unfrozen':
      return pick(before, after, ['frozen'])
  }
}

async function rowChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  table: string | undefined,
  legend: Legend,
  book: NameBook,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  const b = before ?? {}
  const a = after ?? {}
  if (b['status'] !== a['status']) out['status'] = before === null ? a['status'] : [b['status'], a['status']]
  if ((b['owner'] ?? null) !== (a['owner'] ?? null))
    out['owner'] = [await legend.name(b['owner'] as string | null), await legend.name(a['owner'] as string | null)]
  // The lease as its length from the event's time ("30s"): shorter than a second timestamp, and what a reader wants to know.
  if (a['owner'] !== null && a['owner'] !== undefined && b['leaseExpiresAt'] !== a['leaseExpiresAt'])
    out['lease'] = leaseLength(a['leaseExpiresAt'], a['updatedAt'])
  // A claim's fencing token is the revision of its event (`rev`), so it is not repeated here.
  const statusColumn = table === undefined ? 'status' : await book.statusColumn(table)
  const oldValues = asRecord(b['values']) ?? {}
  const newValues = asRecord(a['values']) ?? {}
  const values: Record<string, unknown> = {}
  for (const key of new Set([...Object.keys(oldValues), ...Object.keys(newValues)])) {
    if (key === statusColumn) continue
    // A new row's title is already the event's title.
    if (before === null && typeof newValues[key] === 'string' && newValues[key] === rowTitle(newValues)) continue
    if (!sameJson(oldValues[key], newValues[key]))
      values[key] = newValues[key] === undefined ? null : quoteValue(newValues[key])
  }
  if (Object.keys(values).length > 0) out['values'] = values
  for (const key of ['blockedBy', 'requiredSkills', 'priority']) {
    const empty = (v: unknown): boolean => v === undefined || v === 0 || (Array.isArray(v) && v.length === 0)
    if (before === null ? !empty(a[key]) : !sameJson(b[key], a[key])) out[key] = a[key]
  }
  if (a['deadLettered'] === true) out['deadLettered'] = true
  return out
}

function pick(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  keys: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    if (after !== null && key in after && (before === null || !sameJson(before[key], after[key]))) out[key] = after[key]
  }
  return out
}

/** Lines in `next` not in `prev`, and the other way round (as multisets: moved lines count as neither). */
export function lineChanges(prev: string, next: string): { added: number; removed: number } {
  const count = new Map<string, number>()
  for (const line of prev === '' ? [] : prev.split('\n')) count.set(line, (count.get(line) ?? 0) + 1)
  let added = 0
  for (const line of next === '' ? [] : next.split('\n')) {
    const n = count.get(line) ?? 0
    if (n > 0) count.set(line, n - 1)
    else added++
  }
  let removed = 0
  for (const n of count.values()) removed += n
  return { added, removed }
}

/** `expiresAt - from` as `45s`, `12m`, `3h` (rounded); the timestamp itself when either is not a time. */
function leaseLength(expiresAt: unknown, from: unknown): unknown {
  const ms = typeof expiresAt === 'string' && typeof from === 'string' ? Date.parse(expiresAt) - Date.parse(from) : NaN
  if (!Number.isFinite(ms)) return expiresAt
  const s = Math.round(ms / 1000)
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`
}

/**
 * Shortens the `at` of a page of summaries: the first event of each day keeps
 * the full time, the ones after it on the same day only the time of day
 * (UTC), e.g. `2026-12-02T00:38:41Z`, `00:38:42`, `00:38:45`.
 */
export function shortenTimes(events: EventSummary[]): EventSummary[] {
  let day = ''
  return events.map((e) => {
    if (typeof e.at !== 'string' || e.at.length < 19) return e
    const date = e.at.slice(0, 10)
    if (date !== day) {
      day = date
      return e
    }
    return { ...e, at: e.at.slice(11, 19) }
  })
}

/** `2026-12-02T00:38:41.852Z` → `2026-12-02T00:38:41Z`: milliseconds are noise to a model. */
function toSecond(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/.test(iso) ? `${iso.slice(0, 19)}Z` : iso
}

function quote(text: string): string {
  return text.length <= QUOTE_CHARS ? text : `${text.slice(0, QUOTE_CHARS)}… (${text.length} chars)`
}

function quoteValue(value: unknown): unknown {
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'object' && value !== null) {
    const json = JSON.stringify(value)
    return json.length <= QUOTE_CHARS ? value : `${json.slice(0, QUOTE_CHARS)}… (${json.length} chars of JSON)`
  }
  return value
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}
