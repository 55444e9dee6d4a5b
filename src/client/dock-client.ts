/**
 * @module
 * The typed client of the Dock HTTP API v1. Browser-safe: it needs only
 * `fetch`, `TextDecoder` and web streams.
 */
import type { ErrorCode } from '../domain/errors.js'
import type { Doc, DockEvent, Principal, Row, Section, Table, Workspace } from '../domain/types.js'
import type {
  AuditReport,
  Claim,
  ClaimInput,
  ClaimNextInput,
  CreateDocInput,
  CreatedPrincipal,
  CreatedWorkspace,
  CreatePrincipalInput,
  CreateRowInput,
  CreateTableInput,
  DocLockResult,
  DocSummary,
  EventFilters,
  EventsPage,
  EventsQuery,
  Health,
  HeartbeatInput,
  ListRowsQuery,
  NotesQuery,
  RequeueInput,
  RowNote,
  RowNotePage,
  WorkspaceStats,
  LockDocInput,
  Me,
  Page,
  PageQuery,
  PatchRowInput,
  PrincipalView,
  ProblemLike,
  PublishSchemaInput,
  ReleaseInput,
  ReplaceDocInput,
  SectionHistory,
  SectionWrite,
  TransitionInput,
  UnlockDocInput,
  WriteSectionInput,
} from './api-types.js'
import { codeForStatus, DockApiError, isDockApiError } from './dock-api-error.js'
import { MergeConflictError } from './merge-conflict-error.js'
import { mergeText } from './text-merge.js'
import { watchEvents, type WatchOptions } from './watch.js'

export interface DockClientOptions {
  /** Server root, e.g. `http://127.0.0.1:4747` (a trailing `/v1` is accepted too). */
  readonly baseUrl: string
  /** The principal's key, sent as `Authorization: Bearer <token>`. */
  readonly token?: string
  /** Workspace id or name for workspace-scoped calls (default `default`). */
  readonly workspace?: string
  /** A fetch to use instead of the global one (the server runs the client in-process this way). */
  readonly fetch?: typeof fetch
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>
}

/** Per-call options. */
export interface RequestOptions {
  readonly signal?: AbortSignal
  /** Recorded in the event the write produces (`X-Request-Id`). */
  readonly requestId?: string
  /** Sent as `If-Match: "<version>"`; a mismatch is refused with 412 `precondition_failed`. */
  readonly ifMatch?: number
}

export interface RetryOptions extends Pick<RequestOptions, 'signal' | 'requestId'> {
  /** Tries in all, the first included (default 5). */
  readonly maxAttempts?: number
}

export interface UpdateRowOptions extends RetryOptions {
  /** Carry the fencing token when you hold the claim on the row. */
  readonly fencingToken?: number
}

/** Computes a row's new values from its current ones (may return only the changed keys). */
export type RowUpdater = (values: Readonly<Record<string, unknown>>, row: Row) => Record<string, unknown>

/** Computes a section's new body from its current one (`section` is null for a new key). */
export type SectionUpdater = (body: string, section: Section | null) => string

export interface WriteSectionMergingOptions extends SectionRetryOptions {
  /** Version of the section `base` was read at; without it the section is read first. */
  readonly expectedVersion?: number
  readonly heading?: string
}

export interface SectionRetryOptions extends RetryOptions {
  /** The doc lock's token (from `lockDoc`), when writing under the lock. */
  readonly lockToken?: number
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined>

interface CallInit extends RequestOptions {
  readonly query?: Query
  readonly body?: unknown
  readonly accept?: string
}

const DEFAULT_ATTEMPTS = 5

/**
 * @example
 * const dock = new DockClient({ baseUrl: 'http://127.0.0.1:4747', token: agentKey })
 * const next = await dock.claimNext('tasks')
 * if (next) await dock.transition('tasks', next.row.id, { to: 'done', fencingToken: next.lease.token })
 */
export class DockClient {
  readonly baseUrl: string
  readonly workspace: string
  readonly #options: DockClientOptions
  readonly #fetch: typeof fetch

  constructor(options: DockClientOptions) {
    this.#options = Object.freeze({ ...options })
    this.baseUrl = options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')
    this.workspace = options.workspace ?? 'default'
    // Never call fetch as a method of this client: a browser's native fetch
    // throws "Illegal invocation" when `this` is anything but window/undefined.
    const custom = options.fetch
    this.#fetch = custom ? (input, init) => custom(input, init) : (input, init) => globalThis.fetch(input, init)
  }

  /** The same credentials against another workspace. */
  withWorkspace(workspace: string): DockClient {
    return new DockClient({ ...this.#options, workspace })
  }

  // ── service ────────────────────────────────────────────────────────────

  health(opts?: RequestOptions): Promise<Health> {
    return this.#call('GET', '/health', opts)
  }

  /** Who this key belongs to, and its workspace. */
  me(opts?: RequestOptions): Promise<Me> {
    return this.#call('GET', '/me', opts)
  }

  /** The OpenAPI 3.1 document the server serves. */
  openapi(opts?: RequestOptions): Promise<Record<string, unknown>> {
    return this.#call('GET', '/openapi.json', opts)
  }

  // ── workspaces (operator) ──────────────────────────────────────────────

  createWorkspace(name: string, opts?: RequestOptions): Promise<CreatedWorkspace> {
    return this.#call('POST', '/workspaces', { ...opts, body: { name } })
  }

  /** The workspaces this key belongs to (one: a key belongs to one workspace). */
  async listWorkspaces(opts?: RequestOptions): Promise<Workspace[]> {
    const page = await this.#call<Page<Workspace>>('GET', '/workspaces', opts)
    return page.items
  }

  getWorkspace(workspace: string = this.workspace, opts?: RequestOptions): Promise<Workspace> {
    return this.#call('GET', `/workspaces/${enc(workspace)}`, opts)
  }

  freeze(opts?: RequestOptions): Promise<Workspace> {
    return this.#call('POST', `${this.#ws()}/freeze`, { ...opts, body: {} })
  }

  unfreeze(opts?: RequestOptions): Promise<Workspace> {
    return this.#call('POST', `${this.#ws()}/unfreeze`, { ...opts, body: {} })
  }

  // ── principals ─────────────────────────────────────────────────────────

  createPrincipal(input: CreatePrincipalInput, opts?: RequestOptions): Promise<CreatedPrincipal> {
    return this.#call('POST', `${this.#ws()}/principals`, { ...opts, body: input })
  }

  listPrincipals(query: PageQuery = {}, opts?: RequestOptions): Promise<Page<PrincipalView>> {
    return this.#call('GET', `${this.#ws()}/principals`, { ...opts, query: { ...query } })
  }

  /** By id or name, with its open claims. */
  getPrincipal(idOrName: string, opts?: RequestOptions): Promise<PrincipalView> {
    return this.#call('GET', `${this.#ws()}/principals/${enc(idOrName)}`, opts)
  }

  /** Kill switch: refuses its next request, closes its streams, releases its leases. */
  suspend(idOrName: string, opts?: RequestOptions): Promise<Principal> {
    return this.#call('POST', `${this.#ws()}/principals/${enc(idOrName)}/suspend`, { ...opts, body: {} })
  }

  resume(idOrName: string, opts?: RequestOptions): Promise<Principal> {
    return this.#call('POST', `${this.#ws()}/principals/${enc(idOrName)}/resume`, { ...opts, body: {} })
  }

  // ── tables ─────────────────────────────────────────────────────────────

  createTable(input: CreateTableInput, opts?: RequestOptions): Promise<Table> {
    return this.#call('POST', `${this.#ws()}/tables`, { ...opts, body: input })
  }

  async listTables(opts?: RequestOptions): Promise<Table[]> {
    const page = await this.#call<Page<Table>>('GET', `${this.#ws()}/tables`, opts)
    return page.items
  }

  getTable(table: string, opts?: RequestOptions): Promise<Table> {
    return this.#call('GET', this.#table(table), opts)
  }

  /** Publishes a new contract version (`contractVersion + 1`). */
  publishSchema(table: string, input: PublishSchemaInput, opts?: RequestOptions): Promise<Table> {
    return this.#call('PUT', `${this.#table(table)}/schema`, { ...opts, body: input })
  }

  // ── rows ───────────────────────────────────────────────────────────────

  createRow(table: string, input: CreateRowInput, opts?: RequestOptions): Promise<Row> {
    return this.#call('POST', `${this.#table(table)}/rows`, { ...opts, body: input })
  }

  listRows(table: string, query: ListRowsQuery = {}, opts?: RequestOptions): Promise<Page<Row>> {
    const { status, owner, ready, limit, cursor } = query
    return this.#call('GET', `${this.#table(table)}/rows`, {
      ...opts,
      query: { status, owner, ready: ready === undefined ? undefined : String(ready), limit, cursor },
    })
  }

  getRow(table: string, id: string, opts?: RequestOptions): Promise<Row> {
    return this.#call('GET', this.#row(table, id), opts)
  }

  /** Changes values/blockers/priority; the status moves only by claim, release and transition. */
  patchRow(table: string, id: string, input: PatchRowInput, opts?: RequestOptions): Promise<Row> {
    return this.#call('PATCH', this.#row(table, id), { ...opts, body: input })
  }

  /**
   * Read, apply `fn`, write with `expectedVersion`; on `version_conflict`
   * apply `fn` again to the current row and retry, up to `maxAttempts` tries.
   */
  async updateRow(table: string, id: string, fn: RowUpdater, opts: UpdateRowOptions = {}): Promise<Row> {
    const maxAttempts = opts.maxAttempts ?? DEFAULT_ATTEMPTS
    const req = { signal: opts.signal, requestId: opts.requestId }
    let row = await this.getRow(table, id, req)
    for (let attempt = 1; ; attempt++) {
      const values = fn(row.values, row)
      try {
        return await this.patchRow(
          table,
          id,
          { values, expectedVersion: row.version, fencingToken: opts.fencingToken },
          req,
        )
      } catch (err) {
        if (!isConflict(err) || attempt >= maxAttempts) throw err
        row = asRow(err.current) ?? (await this.getRow(table, id, req))
      }
    }
  }

  /** Claims one row: `{ row, lease: { token, expiresAt } }`; 409 `already_claimed` if owned. */
  claim(table: string, id: string, input: ClaimInput = {}, opts?: RequestOptions): Promise<Claim> {
    return this.#call('POST', `${this.#row(table, id)}/claim`, { ...opts, body: input })
  }

  /**
   * Claims the next eligible row (claimable status, blockers done, skills
   * match, highest priority then oldest); null when nothing is eligible.
   */
  async claimNext(table: string, input: ClaimNextInput = {}, opts?: RequestOptions): Promise<Claim | null> {
    const claim = await this.#call<Claim | undefined>('POST', `${this.#table(table)}/claim-next`, {
      ...opts,
      body: input,
    })
    return claim ?? null
  }

  heartbeat(table: string, id: string, input: HeartbeatInput, opts?: RequestOptions): Promise<Claim> {
    return this.#call('POST', `${this.#row(table, id)}/heartbeat`, { ...opts, body: input })
  }

  release(table: string, id: string, input: ReleaseInput, opts?: RequestOptions): Promise<Row> {
    return this.#call('POST', `${this.#row(table, id)}/release`, { ...opts, body: input })
  }

  /** Moves the row along the workflow, gated by its transitions. */
  transition(table: string, id: string, input: TransitionInput, opts?: RequestOptions): Promise<Row> {
    return this.#call('POST', `${this.#row(table, id)}/transition`, { ...opts, body: input })
  }

  /** A row's notes, oldest first. */
  notes(table: string, id: string, query: NotesQuery = {}, opts?: RequestOptions): Promise<RowNotePage> {
    return this.#call('GET', `${this.#row(table, id)}/notes`, {
      ...opts,
      query: { since: query.since, limit: query.limit },
    })
  }

  /** Adds an attributed note to a row (logged as `row.note_added`; the row's version does not move). */
  addNote(table: string, id: string, text: string, opts?: RequestOptions): Promise<RowNote> {
    return this.#call('POST', `${this.#row(table, id)}/notes`, { ...opts, body: { text } })
  }

  /** Operator: a dead-letter row back to its claimable status, attempts reset. */
  requeue(table: string, id: string, input: RequeueInput = {}, opts?: RequestOptions): Promise<Row> {
    return this.#call('POST', `${this.#row(table, id)}/requeue`, { ...opts, body: input })
  }

  // ── docs ───────────────────────────────────────────────────────────────

  createDoc(input: CreateDocInput, opts?: RequestOptions): Promise<Doc> {
    return this.#call('POST', `${this.#ws()}/docs`, { ...opts, body: input })
  }

  async listDocs(opts?: RequestOptions): Promise<DocSummary[]> {
    const page = await this.#call<Page<DocSummary>>('GET', `${this.#ws()}/docs`, opts)
    return page.items
  }

  /** By id or title, with sections, versions and editors. */
  getDoc(doc: string, opts?: RequestOptions): Promise<Doc> {
    return this.#call('GET', this.#doc(doc), opts)
  }

  /** The doc rendered back to markdown. */
  getDocMarkdown(doc: string, opts?: RequestOptions): Promise<string> {
    return this.#call('GET', this.#doc(doc), { ...opts, query: { format: 'markdown' }, accept: 'text/markdown' })
  }

  /** Replaces the whole doc; needs `expectedVersion` or `ifMatch` (428 without). */
  replaceDoc(doc: string, input: ReplaceDocInput, opts?: RequestOptions): Promise<Doc> {
    return this.#call('PUT', this.#doc(doc), { ...opts, body: input })
  }

  getSection(doc: string, key: string, opts?: RequestOptions): Promise<Section> {
    return this.#call('GET', `${this.#doc(doc)}/sections/${enc(key)}`, opts)
  }

  /**
   * Writes one section. Given an input, one PUT (a new key appends a section).
   * Given a function, read-modify-write: read the section, apply `fn` to its
   * body, write with `expectedVersion`, and on `version_conflict` apply `fn`
   * to the current body and retry (up to `maxAttempts` tries).
   */
  writeSection(doc: string, key: string, input: WriteSectionInput, opts?: RequestOptions): Promise<SectionWrite>
  writeSection(doc: string, key: string, fn: SectionUpdater, opts?: SectionRetryOptions): Promise<SectionWrite>
  async writeSection(
    doc: string,
    key: string,
    inputOrFn: WriteSectionInput | SectionUpdater,
    opts: RequestOptions & SectionRetryOptions = {},
  ): Promise<SectionWrite> {
    if (typeof inputOrFn !== 'function') {
      return this.#call('PUT', `${this.#doc(doc)}/sections/${enc(key)}`, { ...opts, body: inputOrFn })
    }
    const fn = inputOrFn
    const maxAttempts = opts.maxAttempts ?? DEFAULT_ATTEMPTS
    const req = { signal: opts.signal, requestId: opts.requestId }
    let section = await this.#findSection(doc, key, req)
    for (let attempt = 1; ; attempt++) {
      const body = fn(section?.body ?? '', section)
      try {
        // Version 0 means "no such section yet": two racing creators cannot both win.
        return await this.writeSection(
          doc,
          key,
          { body, expectedVersion: section?.version ?? 0, ...lockTokenOf(opts) },
          req,
        )
      } catch (err) {
        if (!isConflict(err) || attempt >= maxAttempts) throw err
        section = asSection(err.current, key) ?? (await this.#findSection(doc, key, req))
      }
    }
  }

  /**
   * Writes `mine` — your edit of `base` — merging with whatever others wrote
   * since: a three-way line merge against the stored body, retried on
   * `version_conflict`. Throws {@link MergeConflictError} (nothing written)
   * when both sides changed the same or adjacent lines.
   */
  async writeSectionMerging(
    doc: string,
    key: string,
    base: string,
    mine: string,
    opts: WriteSectionMergingOptions = {},
  ): Promise<SectionWrite> {
    const maxAttempts = opts.maxAttempts ?? DEFAULT_ATTEMPTS
    const req = { signal: opts.signal, requestId: opts.requestId }
    let expectedVersion = opts.expectedVersion
    if (expectedVersion === undefined) {
      const section = await this.#findSection(doc, key, req)
      if (section) ({ base, mine, expectedVersion } = merged(base, mine, section))
      else expectedVersion = 0
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeSection(
          doc,
          key,
          { body: mine, heading: opts.heading, expectedVersion, ...lockTokenOf(opts) },
          req,
        )
      } catch (err) {
        if (!isConflict(err) || attempt >= maxAttempts) throw err
        const current = asSection(err.current, key) ?? (await this.#findSection(doc, key, req))
        if (!current) throw err
        ;({ base, mine, expectedVersion } = merged(base, mine, current))
      }
    }
  }

  /** The log's writes to one section, oldest first. */
  async sectionHistory(doc: string, key: string, opts?: RequestOptions): Promise<DockEvent[]> {
    const history = await this.#call<SectionHistory>('GET', `${this.#doc(doc)}/sections/${enc(key)}/history`, opts)
    return history.items
  }

  /**
   * Exclusive lease on a doc; 423 `doc_locked` when someone else holds it. Pass
   * the returned `lock.token` as `lockToken` with every write under the lock and
   * as `token` to `unlockDoc`: once the lock has ended, such writes are refused
   * (409 `lease_expired`) instead of landing after a successor's.
   */
  lockDoc(doc: string, input: LockDocInput = {}, opts?: RequestOptions): Promise<DocLockResult> {
    return this.#call('POST', `${this.#doc(doc)}/lock`, { ...opts, body: input })
  }

  /** Gives the lock back; the holder passes the lock's `token` (an operator may break a lock without it). */
  unlockDoc(doc: string, input: UnlockDocInput = {}, opts?: RequestOptions): Promise<Doc> {
    return this.#call('POST', `${this.#doc(doc)}/unlock`, { ...opts, body: input })
  }

  // ── log, feed, audit ───────────────────────────────────────────────────

  /** A page of the log after `since`; with `wait` it long-polls until a matching event exists. */
  events(query: EventsQuery = {}, opts?: RequestOptions): Promise<EventsPage> {
    const { since, limit, wait, ...filters } = query
    return this.#call('GET', `${this.#ws()}/events`, {
      ...opts,
      query: { since, limit, wait, ...filterQuery(filters) },
    })
  }

  /**
   * Events as they happen, over SSE, resuming after disconnects without gaps
   * or repeats.
   *
   * @example
   * const ac = new AbortController()
   * for await (const event of dock.watch({ since: 0, table: 'tasks', signal: ac.signal })) {
   *   console.log(event.revision, event.type)
   * }
   */
  watch(options: WatchOptions = {}): AsyncGenerator<DockEvent, void, undefined> {
    const {
      since: _since,
      signal: _signal,
      retryMinMs: _min,
      retryMaxMs: _max,
      onReconnect: _on,
      onConnect: _connected,
      idleTimeoutMs: _idle,
      ...filters
    } = options
    const path = `${this.#ws()}/watch`
    const connect = async (since: number | undefined, signal: AbortSignal): Promise<Response> => {
      const headers: Record<string, string> = { accept: 'text/event-stream' }
      if (since !== undefined) headers['last-event-id'] = String(since)
      const url = this.#url(path, { since, ...filterQuery(filters) })
      const response = await this.#fetch(url, { method: 'GET', headers: this.#headers(headers), signal })
      if (!response.ok) throw await this.#error(response, 'GET', path)
      return response
    }
    if (options.since !== 'now') return watchEvents(connect, { ...options, since: options.since })
    return (async function* (client: DockClient) {
      let revision: number
      try {
        revision = (await client.getWorkspace(client.workspace, { signal: options.signal })).revision
      } catch (err) {
        if (options.signal?.aborted) return
        throw err
      }
      yield* watchEvents(connect, { ...options, since: revision })
    })(this)
  }

  /**
   * A consistent snapshot of the whole store (a SQLite database file), as a
   * byte stream. Operators of workspace `default` only; PostgreSQL stores
   * answer `not_found` (back them up with pg_dump).
   */
  async backup(opts?: RequestOptions): Promise<ReadableStream<Uint8Array>> {
    const path = '/backup'
    const response = await this.#fetch(this.#url(path), {
      method: 'GET',
      headers: this.#headers({ accept: 'application/vnd.sqlite3' }),
      signal: opts?.signal,
    })
    if (!response.ok) throw await this.#error(response, 'GET', path)
    if (!response.body)
      throw new DockApiError({
        code: 'internal',
        status: response.status,
        message: 'the backup reply has no body',
        method: 'GET',
        path,
      })
    return response.body
  }

  /** Crew health: review backlog, leases about to expire, stuck or idle principals, dead letters, done per hour. */
  stats(opts?: RequestOptions): Promise<WorkspaceStats> {
    return this.#call('GET', `${this.#ws()}/stats`, opts)
  }

  /** The stats in Prometheus text format (GET /metrics, outside /v1); needs an operator key. */
  async metrics(opts?: RequestOptions): Promise<string> {
    const headers = this.#headers({ accept: 'text/plain' })
    const response = await this.#fetch(`${this.baseUrl}/metrics`, { method: 'GET', headers, signal: opts?.signal })
    if (!response.ok) throw await this.#error(response, 'GET', '/metrics')
    return response.text()
  }

  /** Re-checks the hash chain end to end; reports the first break. */
  verifyAudit(opts?: RequestOptions): Promise<AuditReport> {
    return this.#call('GET', `${this.#ws()}/audit/verify`, opts)
  }

  // ── plumbing ───────────────────────────────────────────────────────────

  async #findSection(doc: string, key: string, opts: RequestOptions): Promise<Section | null> {
    try {
      return await this.getSection(doc, key, opts)
    } catch (err) {
      if (isDockApiError(err) && err.code === 'not_found') {
        // Tell "no such section yet" from "no such doc": only the former is null.
        await this.getDoc(doc, opts)
        return null
      }
      throw err
    }
  }

  #ws(): string {
    return `/workspaces/${enc(this.workspace)}`
  }

  #table(table: string): string {
    return `${this.#ws()}/tables/${enc(table)}`
  }

  #row(table: string, id: string): string {
    return `${this.#table(table)}/rows/${enc(id)}`
  }

  #doc(doc: string): string {
    return `${this.#ws()}/docs/${enc(doc)}`
  }

  #url(path: string, query: Query = {}): string {
    const params = new URLSearchParams()
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue
      params.set(name, Array.isArray(value) ? value.join(',') : String(value))
    }
    const search = params.toString()
    return `${this.baseUrl}/v1${path}${search ? `?${search}` : ''}`
  }

  #headers(extra: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = { ...this.#options.headers, ...extra }
    if (this.#options.token) headers['authorization'] = `Bearer ${this.#options.token}`
    return headers
  }

  async #call<T>(method: string, path: string, init: CallInit = {}): Promise<T> {
    const headers: Record<string, string> = { accept: init.accept ?? 'application/json' }
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    if (init.requestId !== undefined) headers['x-request-id'] = init.requestId
    if (init.ifMatch !== undefined) headers['if-match'] = `"${init.ifMatch}"`
    const response = await this.#fetch(this.#url(path, init.query), {
      method,
      headers: this.#headers(headers),
      body: init.body === undefined ? undefined : JSON.stringify(stripUndefined(init.body)),
      signal: init.signal,
    })
    if (!response.ok) throw await this.#error(response, method, path)
    if (response.status === 204) return undefined as T
    const type = response.headers.get('content-type') ?? ''
    if (type.includes('json')) return (await response.json()) as T
    return (await response.text()) as T
  }

  async #error(response: Response, method: string, path: string): Promise<DockApiError> {
    const text = await response.text().catch(() => '')
    let problem: ProblemLike | undefined
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed === 'object' && parsed !== null) problem = parsed as ProblemLike
    } catch {
      problem = undefined
    }
    const code = (typeof problem?.code === 'string' ? problem.code : codeForStatus(response.status)) as ErrorCode
    const message =
      (typeof problem?.detail === 'string' && problem.detail) ||
      (typeof problem?.title === 'string' && problem.title) ||
      `${method} ${path} failed with ${response.status}${text && !problem ? `: ${text.slice(0, 200)}` : ''}`
    const details = typeof problem?.details === 'object' && problem.details !== null ? problem.details : undefined
    return new DockApiError({ code, status: response.status, message, details, problem, method, path })
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment)
}

function filterQuery(filters: EventFilters): Query {
  const { table, status, doc, actor, type, row } = filters
  return { table, status, doc, actor, type, row }
}

/** JSON.stringify drops undefined members anyway; this keeps `null` (which clears) distinct. */
function stripUndefined(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))
}

function isConflict(err: unknown): err is DockApiError {
  return isDockApiError(err) && (err.code === 'version_conflict' || err.code === 'precondition_failed')
}

function asRow(value: unknown): Row | undefined {
  const row = value as Row | undefined
  return row && typeof row === 'object' && typeof row.version === 'number' && typeof row.values === 'object'
    ? row
    : undefined
}

/** `details.current` of a section conflict: the section, or the doc holding it. */
function asSection(value: unknown, key: string): Section | undefined {
  if (!value || typeof value !== 'object') return undefined
  const v = value as Partial<Section> & Partial<Pick<Doc, 'sections'>> & { section?: Section }
  if (typeof v.body === 'string' && typeof v.version === 'number') return v as Section
  if (v.section && typeof v.section.body === 'string') return v.section
  if (Array.isArray(v.sections)) return v.sections.find((s) => s.key === key)
  return undefined
}

/** Rebases `mine` onto `current`: the next write's base is what is stored now. */
function merged(base: string, mine: string, current: Section): { base: string; mine: string; expectedVersion: number } {
  const result = mergeText(base, mine, current.body)
  if (!result.ok) throw new MergeConflictError(result.conflicts, current.body, current.version)
  return { base: current.body, mine: result.text, expectedVersion: current.version }
}

function lockTokenOf(opts: SectionRetryOptions): { lockToken?: number } {
  return opts.lockToken === undefined ? {} : { lockToken: opts.lockToken }
}
