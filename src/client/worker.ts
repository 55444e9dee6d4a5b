/**
 * @module
 * `runWorker`: the claim → run → heartbeat → record → move loop, run in your own program.
 * Browser-safe like the rest of the SDK root: the work itself is a function you
 * pass (`handler`). Running a command-line agent per row (child processes,
 * process groups, the kill -9 guard) lives in the Node-only `./node/` entry.
 */
import type { ErrorCode } from '../domain/errors.js'
import type { DockEvent, Principal, Row, Table } from '../domain/types.js'
import type { Claim, ClaimLease } from './api-types.js'
import { isDockApiError, type DockApiError } from './dock-api-error.js'
import type { DockClient } from './dock-client.js'

/** One claimed row, handed to the handler. */
export interface WorkerTask {
  readonly table: string
  /** The row as the claim returned it (status = the claim's status). */
  readonly row: Row
  /** The lease as last extended: `token` is the fencing token to carry on every write. */
  readonly lease: ClaimLease
  /** 1 on the first claim of the row, counting up with every later claim. */
  readonly attempt: number
  /**
   * Aborted when the task must stop now: timeout, the lease was lost or
   * refused, the principal was suspended, or shutdown outlasted its grace.
   * `signal.reason` is a {@link WorkerStop}.
   */
  readonly signal: AbortSignal
}

/** Why a task's signal was aborted. */
export type WorkerStop =
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'lost'; readonly code: ErrorCode | 'lease_lapsed'; readonly message: string }
  /** The server refused the principal itself (suspended, key revoked): the whole worker stops. */
  | { readonly kind: 'fatal'; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'shutdown' }

/** What the handler reports: success with an optional result text, or a failure. */
export type TaskOutcome =
  | { readonly ok: true; readonly result?: string; readonly runMs?: number }
  | {
      readonly ok: false
      /** Short human reason: `exit 3`, `killed by SIGTERM`, an error message. */
      readonly reason: string
      readonly exitCode?: number | null
      readonly result?: string
      readonly runMs?: number
    }

export type WorkerHandler = (task: WorkerTask) => Promise<TaskOutcome>

/** What happened, as it happens: for progress lines, logs and `--json` output. */
export type WorkerEvent =
  | {
      readonly kind: 'ready'
      readonly principal: Pick<Principal, 'id' | 'name'>
      readonly table: string
      readonly claimStatus: string
      readonly doneStatus: string
      readonly failStatus: string | null
      readonly resultColumn: string | null
    }
  | { readonly kind: 'claimed'; readonly row: Row; readonly lease: ClaimLease; readonly attempt: number }
  | { readonly kind: 'heartbeat'; readonly rowId: string; readonly expiresAt: string }
  | {
      readonly kind: 'done'
      readonly row: Row
      readonly status: string
      readonly ms: number
      readonly runMs: number | null
    }
  | {
      readonly kind: 'failed'
      readonly row: Row
      readonly reason: string
      readonly exitCode: number | null
      /** `moved` to --fail, `released` for another try, `dead_letter` after the last attempt (via the lapsed lease). */
      readonly outcome: 'moved' | 'released' | 'dead_letter'
      readonly status: string
      readonly ms: number
    }
  | { readonly kind: 'released'; readonly row: Row; readonly reason: 'shutdown' }
  | {
      /** The server refused the task's lease or its last write: nothing more is written for it. */
      readonly kind: 'lost'
      readonly rowId: string
      readonly code: ErrorCode | 'lease_lapsed'
      readonly message: string
    }
  | { readonly kind: 'idle'; readonly why: 'nothing_eligible' | 'workspace_frozen' }
  | { readonly kind: 'error'; readonly message: string; readonly retryInMs: number }
  | { readonly kind: 'stopping'; readonly why: 'signal' | 'max_tasks' | 'fatal' }
  | { readonly kind: 'stopped'; readonly summary: WorkerSummary }

export interface RunWorkerOptions {
  /** Whose key claims, heartbeats and writes: every change is attributed to it. */
  readonly client: DockClient
  readonly table: string
  readonly handler: WorkerHandler
  /** Tasks run at once (default 1). */
  readonly concurrency?: number
  /** Stop claiming after this many claims and return once they finish (default: no limit). */
  readonly maxTasks?: number
  /** Lease asked for on claim and every heartbeat (default: the table's). */
  readonly leaseMs?: number
  /** Heartbeat when this fraction of the lease has passed (default 1/3, so two beats may fail before it lapses). */
  readonly heartbeatFraction?: number
  /** A task still running after this long is aborted and counts as failed (default: none). */
  readonly timeoutMs?: number
  /** Column the result text goes to (default `result`, skipped when the table has no such column). */
  readonly resultColumn?: string
  /** Status a successful task moves to (default: the first transition out of the claim status the owner may take). */
  readonly doneStatus?: string
  /** Status a failed task moves to; without it a failure releases the row (or dead-letters it after the last attempt). */
  readonly failStatus?: string
  /** Only claim rows whose values equal these. */
  readonly where?: Record<string, unknown>
  /** Stops claiming; running tasks get `graceMs` to finish, then are aborted and released. */
  readonly signal?: AbortSignal
  /** Default 30 s. */
  readonly graceMs?: number
  /**
   * While idle, the worker waits on the change feed and re-checks with one
   * claim-next this often anyway (default 60 s): the feed wakes it for rows of its
   * table, but not for everything that can make a row eligible (a skill granted).
   */
  readonly recheckMs?: number
  readonly onEvent?: (event: WorkerEvent) => void
}

export interface WorkerSummary {
  readonly claimed: number
  readonly done: number
  readonly failed: number
  /** Tasks whose lease or write was refused (stale token, expired lease, frozen workspace …). */
  readonly lost: number
  /** Tasks handed back at shutdown. */
  readonly released: number
  readonly stoppedBy: 'max_tasks' | 'signal' | 'fatal'
  /** Set when stoppedBy is `fatal`: the refusal that ended the worker (principal_suspended, unauthorized …). */
  readonly error?: DockApiError
}

/** The worker cannot run against this table as asked (no claim rule, unknown status or column …). */
export class WorkerConfigError extends Error {
  readonly code = 'invalid_input' as const

  constructor(message: string) {
    super(message)
    this.name = 'WorkerConfigError'
  }
}

/** How a worker moves rows of one table, worked out from the contract before the first claim. */
export interface WorkerPlan {
  readonly claimStatus: string
  readonly doneStatus: string
  readonly failStatus: string | null
  readonly resultColumn: string | null
  readonly maxAttempts: number
  readonly deadLetter: string
}

/**
 * Runs `handler` for every row this principal can claim in `table`, until
 * `maxTasks` claims are done, `signal` aborts, or the server refuses the
 * principal (suspended, key revoked) — then every running task is aborted at
 * once and the summary carries the refusal.
 *
 * While idle it holds one change-feed stream and sends no requests, apart from
 * a claim-next every `recheckMs`. Each task's lease is extended while its handler
 * runs and never after: heartbeats live and die with the handler's promise.
 *
 * @example
 * const summary = await runWorker({
 *   client: new DockClient({ baseUrl, token: agentKey }),
 *   table: 'tasks',
 *   handler: async (task) => ({ ok: true, result: await summarise(task.row.values) }),
 *   maxTasks: 10,
 * })
 */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerSummary> {
  return new WorkerLoop(options).run()
}

/**
 * The default done status: the first transition out of the claim status that the
 * owner may take. Moves back to a claimable status, to dead-letter or to the fail
 * status are not "done".
 */
export function planWorker(
  table: Table,
  principal: Pick<Principal, 'roles'>,
  options: Pick<RunWorkerOptions, 'doneStatus' | 'failStatus' | 'resultColumn'> = {},
): WorkerPlan {
  const claim = table.workflow.claim
  if (claim === null) throw new WorkerConfigError(`table ${table.name} has no claim rule: nothing in it can be claimed`)
  const statuses = table.workflow.statuses
  const outOfClaim = table.workflow.transitions.filter((t) => t.from === claim.to || t.from === '*')
  const ownerMay = (by: readonly string[], require: readonly string[] = []): boolean =>
    !require.includes('not:owner') &&
    by.some((who) => who === 'owner' || who === 'any' || (principal.roles as readonly string[]).includes(who))

  let doneStatus = options.doneStatus
  if (doneStatus === undefined) {
    const skip = new Set([
      ...claim.from,
      claim.deadLetter,
      claim.to,
      ...(options.failStatus === undefined ? [] : [options.failStatus]),
    ])
    doneStatus = outOfClaim.find((t) => !skip.has(t.to) && ownerMay(t.by, t.require))?.to
    if (doneStatus === undefined) {
      throw new WorkerConfigError(
        `table ${table.name} has no transition out of ${claim.to} that its owner may take; pass a done status`,
      )
    }
  } else if (!statuses.includes(doneStatus)) {
    throw new WorkerConfigError(`table ${table.name} has no status ${doneStatus} (statuses: ${statuses.join(', ')})`)
  } else if (!outOfClaim.some((t) => t.to === doneStatus)) {
    throw new WorkerConfigError(`table ${table.name} has no transition ${claim.to} → ${doneStatus}`)
  }
  const failStatus = options.failStatus ?? null
  if (failStatus !== null) {
    if (!statuses.includes(failStatus)) {
      throw new WorkerConfigError(`table ${table.name} has no status ${failStatus} (statuses: ${statuses.join(', ')})`)
    }
    if (!outOfClaim.some((t) => t.to === failStatus))
      throw new WorkerConfigError(`table ${table.name} has no transition ${claim.to} → ${failStatus}`)
  }
  let resultColumn: string | null = options.resultColumn ?? 'result'
  if (!table.columns.some((c) => c.name === resultColumn)) {
    // The default column is optional; a column asked for by name must exist.
    if (options.resultColumn !== undefined)
      throw new WorkerConfigError(`table ${table.name} has no column ${options.resultColumn}`)
    resultColumn = null
  }
  return {
    claimStatus: claim.to,
    doneStatus,
    failStatus,
    resultColumn,
    maxAttempts: claim.maxAttempts,
    deadLetter: claim.deadLetter,
  }
}

/**
 * Event types that can make a row claimable. Heartbeats and claims never do, so
 * the server does not send them: a busy table costs an idle worker nothing.
 */
const WAKE_TYPES = [
  'row.created',
  'row.updated',
  'row.released',
  'row.transitioned',
  'row.lease_expired',
  'table.schema_published',
  'workspace.unfrozen',
  'principal.updated',
  'principal.resumed',
]

/** Refusals that end the whole worker rather than one task. */
const FATAL_CODES: ReadonlySet<string> = new Set(['principal_suspended', 'unauthorized', 'invalid_signature'])

const DEFAULT_GRACE_MS = 30_000
const DEFAULT_RECHECK_MS = 60_000
const RECORD_TRIES = 4

interface TaskRun {
  readonly controller: AbortController
  readonly done: Promise<void>
}

type Deferred = { promise: Promise<void>; resolve: () => void }

class WorkerLoop {
  readonly #o: RunWorkerOptions
  readonly #client: DockClient
  readonly #concurrency: number
  readonly #maxTasks: number
  readonly #running = new Map<string, TaskRun>()
  readonly #feedAbort = new AbortController()
  #plan!: WorkerPlan
  /** Statuses rows are claimed from, and this table's done statuses (which unblock rows). */
  #claimFrom: readonly string[] = []
  #doneStatuses: readonly string[] = []
  #stopping: WorkerSummary['stoppedBy'] | null = null
  #fatal: DockApiError | undefined
  #wanted = true
  #idle: 'nothing_eligible' | 'workspace_frozen' | null = null
  #wakes = 0
  #kick: Deferred = deferred()
  #errors = 0
  /** Lease length the server grants: --lease, else the table's claim rule. */
  #leaseMs = 0
  /** Local time the last claim-next was sent; a claim's lease cannot end before it plus #leaseMs. */
  #claimSentAt = 0
  #counts = { claimed: 0, done: 0, failed: 0, lost: 0, released: 0 }

  constructor(options: RunWorkerOptions) {
    this.#o = options
    this.#client = options.client
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 1))
    this.#maxTasks = options.maxTasks ?? Number.POSITIVE_INFINITY
  }

  async run(): Promise<WorkerSummary> {
    const me = await this.#client.me({ signal: this.#o.signal })
    const table = await this.#client.getTable(this.#o.table, { signal: this.#o.signal })
    this.#plan = planWorker(table, me.principal, this.#o)
    this.#claimFrom = table.workflow.claim?.from ?? []
    this.#leaseMs = this.#o.leaseMs ?? table.workflow.claim?.leaseMs ?? 60_000
    this.#doneStatuses = table.workflow.done
    this.#emit({
      kind: 'ready',
      principal: { id: me.principal.id, name: me.principal.name },
      table: table.name,
      claimStatus: this.#plan.claimStatus,
      doneStatus: this.#plan.doneStatus,
      failStatus: this.#plan.failStatus,
      resultColumn: this.#plan.resultColumn,
    })

    // The feed starts at the revision read before the first claim-next, so
    // nothing written between that claim and the stream opening is missed.
    const feed = this.#follow(me.principal.id, me.workspace.revision)
    const onSignal = (): void => this.#stop('signal')
    if (this.#o.signal?.aborted) onSignal()
    this.#o.signal?.addEventListener('abort', onSignal, { once: true })
    try {
      await this.#loop()
    } finally {
      this.#o.signal?.removeEventListener('abort', onSignal)
      this.#feedAbort.abort()
      await feed
    }
    const summary: WorkerSummary = {
      ...this.#counts,
      stoppedBy: this.#stopping ?? 'max_tasks',
      ...(this.#fatal === undefined ? {} : { error: this.#fatal }),
    }
    this.#emit({ kind: 'stopped', summary })
    return summary
  }

  async #loop(): Promise<void> {
    while (this.#stopping === null) {
      const free = this.#running.size < this.#concurrency
      const more = this.#counts.claimed < this.#maxTasks
      if (!more && this.#running.size === 0) {
        this.#stop('max_tasks')
        break
      }
      if (free && more && this.#wanted) {
        const wakesBefore = this.#wakes
        const claim = await this.#claimNext()
        if (typeof claim === 'object') {
          this.#start(claim) // even when a stop came meanwhile: it is ours now, and gets the grace period
          continue
        }
        // A wake that arrived while the claim was in flight may be for a row it missed;
        // after a failure only the retry timer sets #wanted again.
        if (claim === 'retry' || this.#wakes === wakesBefore) this.#wanted = false
        continue
      }
      await this.#waitForChange(free && more && !this.#wanted)
    }
    await this.#drain()
  }

  /** One claim-next: the claim, `none` when nothing is eligible, `retry` after a failure (a timer wakes the loop). */
  async #claimNext(): Promise<Claim | 'none' | 'retry'> {
    try {
      this.#claimSentAt = Date.now()
      const claim = await this.#client.claimNext(this.#o.table, {
        ...(this.#o.leaseMs === undefined ? {} : { leaseMs: this.#o.leaseMs }),
        ...(this.#o.where === undefined ? {} : { where: this.#o.where }),
      })
      this.#errors = 0
      if (claim !== null) {
        this.#idle = null
        return claim
      }
      this.#idleBecause('nothing_eligible')
      return 'none'
    } catch (err) {
      if (isDockApiError(err) && err.code === 'workspace_frozen') {
        // workspace.unfrozen on the feed (or the re-check) wakes the worker again.
        this.#idleBecause('workspace_frozen')
        return 'none'
      }
      if (isDockApiError(err) && !isTransient(err)) {
        this.#die(err)
        return 'retry'
      }
      this.#errors += 1
      const retryInMs = Math.min(30_000, 500 * 2 ** Math.min(this.#errors, 6))
      this.#emit({ kind: 'error', message: `claim-next failed: ${describe(err)}`, retryInMs })
      const timer = setTimeout(() => this.#wake(), retryInMs)
      this.#feedAbort.signal.addEventListener('abort', () => clearTimeout(timer), { once: true })
      return 'retry'
    }
  }

  /** Says "idle" once per idle spell, not on every fruitless wake. */
  #idleBecause(why: 'nothing_eligible' | 'workspace_frozen'): void {
    if (this.#idle === why) return
    this.#idle = why
    this.#emit({ kind: 'idle', why })
  }

  #start(claim: Claim): void {
    this.#counts.claimed += 1
    this.#wanted = true // there may be more; claim-next will say
    const controller = new AbortController()
    const done = this.#runTask(claim, this.#claimSentAt, controller)
      .catch((err: unknown) =>
        this.#emit({ kind: 'error', message: `task ${claim.row.id}: ${describe(err)}`, retryInMs: 0 }),
      )
      .finally(() => {
        this.#running.delete(claim.row.id)
        this.#poke()
      })
    this.#running.set(claim.row.id, { controller, done })
  }

  async #runTask(claim: Claim, sentAt: number, controller: AbortController): Promise<void> {
    const { row } = claim
    const table = this.#o.table
    const started = Date.now()
    let lease = claim.lease
    const attempt = row.attempts
    this.#emit({ kind: 'claimed', row, lease, attempt })
    const abort = (stop: WorkerStop): void => {
      if (!controller.signal.aborted) controller.abort(stop)
    }

    // Heartbeats: a timer chain that exists only while the handler runs. Timing
    // uses the lease length and local send times, never the server's expiresAt
    // against the local clock, so a skewed clock neither floods nor starves them:
    // a lease granted for a request sent at T cannot end before T + leaseMs.
    const leaseMs = this.#leaseMs
    let liveUntil = sentAt + leaseMs
    const every = Math.max(50, Math.floor(leaseMs * (this.#o.heartbeatFraction ?? 1 / 3)))
    let beating = true
    let beatTimer: ReturnType<typeof setTimeout> | undefined
    let inFlight: Promise<void> | undefined
    const beat = async (): Promise<void> => {
      let next = every
      const beatSentAt = Date.now()
      try {
        const reply = await this.#client.heartbeat(table, row.id, {
          fencingToken: lease.token,
          ...(this.#o.leaseMs === undefined ? {} : { leaseMs: this.#o.leaseMs }),
        })
        if (!beating) return
        lease = reply.lease
        liveUntil = beatSentAt + leaseMs
        this.#emit({ kind: 'heartbeat', rowId: row.id, expiresAt: lease.expiresAt })
      } catch (err) {
        if (!beating) return
        if (isDockApiError(err) && !isTransient(err)) {
          if (err.code === 'principal_suspended') this.#die(err)
          else abort({ kind: 'lost', code: err.code, message: err.message })
          return
        }
        // The server is unreachable: keep trying while the lease is certainly live,
        // and stop the task at the earliest moment it may have lapsed — a command
        // must not work on past its lease, where a successor may already hold the row.
        const left = liveUntil - Date.now()
        if (left <= 0) {
          abort({
            kind: 'lost',
            code: 'lease_lapsed',
            message: `no heartbeat got through before the lease ran out (${describe(err)})`,
          })
          return
        }
        next = Math.min(1000, left)
      }
      if (beating && !controller.signal.aborted) beatTimer = setTimeout(() => (inFlight = beat()), next)
    }
    beatTimer = setTimeout(() => (inFlight = beat()), every)
    const timeout =
      this.#o.timeoutMs === undefined || this.#o.timeoutMs <= 0
        ? undefined
        : setTimeout(() => abort({ kind: 'timeout', afterMs: this.#o.timeoutMs! }), this.#o.timeoutMs)

    let outcome: TaskOutcome
    const runStarted = Date.now()
    try {
      const task: WorkerTask = {
        table,
        row,
        get lease() {
          return lease
        },
        attempt,
        signal: controller.signal,
      }
      outcome = await this.#o.handler(task)
    } catch (err) {
      outcome = { ok: false, reason: describe(err) }
    } finally {
      beating = false
      clearTimeout(beatTimer)
      clearTimeout(timeout)
    }
    // A beat still on the wire could land after the closing write (a lease made
    // short to dead-letter would be stretched again): let it land first.
    await inFlight
    const runMs = outcome.runMs ?? Date.now() - runStarted

    const stop = controller.signal.aborted ? (controller.signal.reason as WorkerStop) : undefined
    if (this.#fatal !== undefined || stop?.kind === 'fatal') return // the server refuses everything now
    if (stop?.kind === 'lost') {
      this.#counts.lost += 1
      this.#emit({ kind: 'lost', rowId: row.id, code: stop.code, message: stop.message })
      return
    }
    const token = lease.token
    if (stop?.kind === 'shutdown') {
      const released = await this.#record(row.id, () => this.#client.release(table, row.id, { fencingToken: token }))
      if (released !== null) {
        this.#counts.released += 1
        this.#emit({ kind: 'released', row: released, reason: 'shutdown' })
      }
      return
    }
    const plan = this.#plan
    const resultValues = (text: string | undefined): Record<string, unknown> | undefined =>
      plan.resultColumn === null || text === undefined ? undefined : { [plan.resultColumn]: text }

    if (outcome.ok && stop === undefined) {
      const values = resultValues(outcome.result)
      const moved = await this.#record(row.id, () =>
        this.#client.transition(table, row.id, {
          to: plan.doneStatus,
          fencingToken: token,
          ...(values ? { values } : {}),
        }),
      )
      if (moved === null) return
      this.#counts.done += 1
      this.#emit({ kind: 'done', row: moved, status: moved.status, ms: Date.now() - started, runMs })
      return
    }

    const reason =
      stop?.kind === 'timeout' ? `timed out after ${formatMs(stop.afterMs)}` : outcome.ok ? 'aborted' : outcome.reason
    const exitCode = outcome.ok ? null : (outcome.exitCode ?? null)
    this.#counts.failed += 1
    let after: Row | null
    let how: 'moved' | 'released' | 'dead_letter'
    if (plan.failStatus !== null) {
      const values = outcome.ok ? undefined : resultValues(outcome.result)
      how = 'moved'
      after = await this.#record(row.id, () =>
        this.#client.transition(table, row.id, {
          to: plan.failStatus!,
          fencingToken: token,
          ...(values ? { values } : {}),
        }),
      )
    } else if (attempt < plan.maxAttempts) {
      how = 'released'
      after = await this.#record(row.id, () => this.#client.release(table, row.id, { fencingToken: token }))
    } else {
      // Release never dead-letters (it is the polite give-back), so a command that
      // always fails would be retried forever. On the last attempt the worker
      // instead lets the lease lapse now: the server's sweep applies the
      // workflow's attempt limit and logs row.lease_expired with deadLettered.
      how = 'dead_letter'
      const beat = await this.#record(row.id, () =>
        this.#client.heartbeat(table, row.id, { fencingToken: token, leaseMs: 1 }),
      )
      after = beat === null ? null : beat.row
    }
    if (after === null) return
    const status = how === 'dead_letter' ? plan.deadLetter : after.status
    this.#emit({ kind: 'failed', row: after, reason, exitCode, outcome: how, status, ms: Date.now() - started })
  }

  /**
   * Sends one of the task's closing writes. Refusals are final for the task
   * (reported as lost, never retried blindly; a suspension ends the worker);
   * network failures and 5xx are retried a few times.
   */
  async #record<T>(rowId: string, write: () => Promise<T>): Promise<T | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write()
      } catch (err) {
        if (isDockApiError(err) && !isTransient(err)) {
          if (FATAL_CODES.has(err.code)) this.#die(err)
          else {
            this.#counts.lost += 1
            this.#emit({ kind: 'lost', rowId, code: err.code, message: err.message })
          }
          return null
        }
        if (attempt >= RECORD_TRIES) {
          this.#counts.lost += 1
          this.#emit({
            kind: 'lost',
            rowId,
            code: 'lease_lapsed',
            message: `could not record the outcome: ${describe(err)}; the lease will lapse`,
          })
          return null
        }
        const retryInMs = 500 * 2 ** attempt
        this.#emit({ kind: 'error', message: `recording ${rowId} failed: ${describe(err)}`, retryInMs })
        await new Promise((resolve) => setTimeout(resolve, retryInMs))
      }
    }
  }

  /** Follows the feed for as long as the worker runs; a refusal on it ends the worker. */
  async #follow(principalId: string, since: number): Promise<void> {
    try {
      const events = this.#client.watch({ since, type: WAKE_TYPES, signal: this.#feedAbort.signal })
      for await (const event of events) if (this.#relevant(event, principalId)) this.#wake()
    } catch (err) {
      if (this.#feedAbort.signal.aborted) return
      // The watch reconnects on its own after drops; it ends with an error only on a refusal.
      if (isDockApiError(err)) this.#die(err)
      else
        this.#emit({
          kind: 'error',
          message: `change feed ended: ${describe(err)}; re-checking every ${formatMs(this.#recheckMs)}`,
          retryInMs: this.#recheckMs,
        })
    }
  }

  /**
   * Whether an event can have made a row claimable for us. Busy tables are full
   * of updates to claimed rows; each wake costs a claim-next, so those are skipped.
   */
  #relevant(event: DockEvent, principalId: string): boolean {
    if (event.target.kind === 'row') {
      const status = event.target.status
      // Another table's row moving may unblock one of ours (its done statuses are not known here).
      if (event.target.table !== this.#o.table) return event.type === 'row.transitioned'
      if (status === undefined) return true
      // A row of ours reaching a done status can unblock others.
      if (event.type === 'row.transitioned' && this.#doneStatuses.includes(status)) return true
      const owner = (event.after as { owner?: unknown } | null)?.owner
      return this.#claimFrom.includes(status) && (owner === null || owner === undefined)
    }
    if (event.target.kind === 'table') return event.target.table === this.#o.table || event.target.id === this.#o.table
    if (event.target.kind === 'principal') return event.target.id === principalId
    return event.type === 'workspace.unfrozen'
  }

  get #recheckMs(): number {
    return this.#o.recheckMs ?? DEFAULT_RECHECK_MS
  }

  #wake(): void {
    this.#wakes += 1
    this.#wanted = true
    this.#poke()
  }

  #poke(): void {
    this.#kick.resolve()
  }

  /** Waits for a wake, a finished task or a stop; while idle with a free slot, at most `recheckMs`. */
  async #waitForChange(idle: boolean): Promise<void> {
    const timer = idle ? setTimeout(() => this.#wake(), this.#recheckMs) : undefined
    try {
      await this.#kick.promise
    } finally {
      clearTimeout(timer)
      this.#kick = deferred()
    }
  }

  #stop(why: WorkerSummary['stoppedBy']): void {
    if (this.#stopping !== null) return
    this.#stopping = why
    this.#emit({ kind: 'stopping', why })
    this.#poke()
  }

  /** A refusal of the principal itself: abort every task now, write nothing more. */
  #die(err: DockApiError): void {
    if (this.#fatal !== undefined) return
    this.#fatal = err
    for (const { controller } of this.#running.values()) {
      if (!controller.signal.aborted)
        controller.abort({ kind: 'fatal', code: err.code, message: err.message } satisfies WorkerStop)
    }
    this.#stop('fatal')
  }

  /** Lets running tasks finish; at shutdown they get the grace period, then are aborted (and released). */
  async #drain(): Promise<void> {
    if (this.#running.size === 0) return
    const timer =
      this.#stopping === 'signal'
        ? setTimeout(() => {
            for (const { controller } of this.#running.values()) {
              if (!controller.signal.aborted) controller.abort({ kind: 'shutdown' } satisfies WorkerStop)
            }
          }, this.#o.graceMs ?? DEFAULT_GRACE_MS)
        : undefined
    try {
      while (this.#running.size > 0) await Promise.all([...this.#running.values()].map((r) => r.done))
    } finally {
      clearTimeout(timer)
    }
  }

  #emit(event: WorkerEvent): void {
    try {
      this.#o.onEvent?.(event)
    } catch {
      // A broken progress printer must not break the loop that holds leases.
    }
  }
}

/** Network failures, 5xx and rate limits pass; refusals do not. */
function isTransient(err: unknown): boolean {
  if (!isDockApiError(err)) return true
  return err.status === 0 || err.status >= 500 || err.code === 'rate_limited' || err.code === 'budget_exceeded'
}

function describe(err: unknown): string {
  if (isDockApiError(err)) return `${err.code}: ${err.message}`
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : ''
    return `${err.message}${cause}`
  }
  return String(err)
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`
  return `${Math.round(ms / 6000) / 10} min`
}

function deferred(): Deferred {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}
