import type { DockEvent } from '../domain/types.js'
import type { Storage } from '../storage/storage.js'

const TAIL_CAPACITY = 4096
const PAGE = 1000
/**
 * How often, at most, a workspace's tail re-reads the head when its waiters
 * time out without a hint: the safety net for a lost NOTIFY (a dropped LISTEN
 * connection), paid once per workspace, not once per watcher.
 */
const PROBE_INTERVAL_MS = 1000

/** Why a wait for a new revision ended. */
export type WaitOutcome = 'ready' | 'timeout' | 'aborted'

/**
 * Lets the owner of a wait end it early without an AbortController (watch
 * loops wait once per delivered event, and AbortSignal listeners are costly
 * at a thousand watchers). The hub sets `cancel` while the wait is open.
 */
export interface WaitHandle {
  cancel: () => void
}

export interface EventsAfterOptions {
  /**
   * Ask the log when the tail has nothing past `since`, instead of trusting
   * the tail. A request's first look uses it (another node's commit may not
   * have been hinted here yet); a watcher woken by the hub does not, which is
   * what keeps a write's cost independent of the number of watchers.
   */
  readonly fresh?: boolean
}

/**
 * Fans new events out to watchers. The log is the truth: a commit hint (local,
 * or from another node through the store) makes the hub read what is new once
 * per workspace into a bounded tail, and every watcher that is caught up is
 * served from that tail, so a thousand watchers cost one read per write, not
 * a thousand. Watchers behind the tail read the log themselves.
 *
 * The hub is also the one channel through which suspensions reach open streams
 * and waits: it sees `principal.suspended` in the log, whichever node wrote it.
 */
export class ChangeHub {
  readonly #storage: Storage
  readonly #tails = new Map<string, WorkspaceTail>()
  readonly #unsubscribe: () => void
  readonly #suspendListeners = new Set<(principalId: string) => void>()
  readonly #suspensionWatches = new Map<string, Set<() => void>>()

  constructor(storage: Storage) {
    this.#storage = storage
    this.#unsubscribe = storage.onCommit((workspaceId, revision) => this.#tail(workspaceId).hint(revision))
  }

  /**
   * Hears every suspension the log records, whichever node wrote it, so open
   * streams of that principal can end at once everywhere.
   */
  onSuspended(listener: (principalId: string) => void): () => void {
    this.#suspendListeners.add(listener)
    return () => this.#suspendListeners.delete(listener)
  }

  /**
   * Calls `fn` once if `principalId` is suspended while the watch is open; the
   * returned function ends the watch. Keyed by principal, so a suspension costs
   * what that principal holds open, not what the node holds.
   */
  watchSuspension(principalId: string, fn: () => void): () => void {
    let set = this.#suspensionWatches.get(principalId)
    if (set === undefined) this.#suspensionWatches.set(principalId, (set = new Set()))
    const mine = set
    let fired = false
    const once = (): void => {
      if (fired) return
      fired = true
      fn()
    }
    mine.add(once)
    return () => {
      mine.delete(once)
      if (mine.size === 0 && this.#suspensionWatches.get(principalId) === mine)
        this.#suspensionWatches.delete(principalId)
    }
  }

  /** The newest revision the tail has loaded, or null before it has read the log. */
  knownRevision(workspaceId: string): number | null {
    return this.#tails.get(workspaceId)?.loaded ?? null
  }

  /**
   * Resolves once this node's tail of the workspace has read every commit it
   * was told of, so everything those commits announce (a suspension closing
   * streams) has happened here. Immediate when nothing here watches it.
   */
  async settle(workspaceId: string): Promise<void> {
    await this.#tails.get(workspaceId)?.settle()
  }

  close(): void {
    this.#unsubscribe()
    for (const tail of this.#tails.values()) tail.close()
  }

  /**
   * Events after `since`, at most `limit`, from the tail when it covers them,
   * else from the log. Returns [] when nothing newer is known.
   */
  async eventsAfter(
    workspaceId: string,
    since: number,
    limit: number,
    options: EventsAfterOptions = {},
  ): Promise<DockEvent[]> {
    const tail = this.#tail(workspaceId)
    // Caught up while a hint is being read: wait for that one shared read rather than making our own.
    if (tail.pending && tail.loaded !== null && since >= tail.loaded) await tail.settle()
    const cached = tail.after(since, limit, options.fresh === true)
    if (cached !== null) return cached
    const events = await this.#storage.read((tx) => tx.listEvents(workspaceId, since, limit))
    // The log knew more than the tail (a hint that never came): let the tail catch up for everyone.
    const last = events[events.length - 1]
    if (last !== undefined && tail.loaded !== null && last.revision > tail.loaded) tail.hint(last.revision)
    return events
  }

  /** Resolves when the workspace has a revision above `since`, or after `timeoutMs`, or on abort or `handle.cancel()`. */
  waitForRevision(
    workspaceId: string,
    since: number,
    timeoutMs: number,
    signal?: AbortSignal,
    handle?: WaitHandle,
  ): Promise<WaitOutcome> {
    return this.#tail(workspaceId).waitAbove(since, timeoutMs, signal, handle)
  }

  #suspended(principalId: string): void {
    for (const l of this.#suspendListeners) l(principalId)
    const watches = this.#suspensionWatches.get(principalId)
    if (watches !== undefined) for (const fn of [...watches]) fn()
  }

  #tail(workspaceId: string): WorkspaceTail {
    let tail = this.#tails.get(workspaceId)
    if (tail === undefined) {
      tail = new WorkspaceTail(workspaceId, this.#storage, (principalId) => this.#suspended(principalId))
      this.#tails.set(workspaceId, tail)
    }
    return tail
  }
}

function noop(): void {}

interface Waiter {
  readonly above: number
  readonly resolve: (outcome: WaitOutcome) => void
}

class WorkspaceTail {
  readonly #workspaceId: string
  readonly #storage: Storage
  /** Contiguous events, ascending by revision. */
  #events: DockEvent[] = []
  /** Highest revision known to be fully loaded into #events (or into the log before it). */
  #loaded = -1
  #hinted = 0
  #fetching: Promise<void> | null = null
  #probing: Promise<void> | null = null
  #lastProbe = 0
  readonly #waiters = new Set<Waiter>()
  readonly #onSuspended: (principalId: string) => void

  constructor(workspaceId: string, storage: Storage, onSuspended: (principalId: string) => void) {
    this.#workspaceId = workspaceId
    this.#storage = storage
    this.#onSuspended = onSuspended
  }

  get loaded(): number | null {
    return this.#loaded < 0 ? null : this.#loaded
  }

  /** A hint is not read yet (or a read is running): the tail may be behind the log. */
  get pending(): boolean {
    return this.#fetching !== null || (this.#loaded >= 0 && this.#hinted > this.#loaded)
  }

  /**
   * Resolves once the tail has read up to the newest hint known at the call. Only that far: under a
   * steady stream of writes new hints keep coming, and following them would never end.
   */
  async settle(): Promise<void> {
    const target = this.#hinted
    while (this.#fetching !== null || (this.#loaded >= 0 && this.#loaded < target)) {
      const before = this.#loaded
      await this.#catchUp()
      if (this.#loaded >= target) break
      if (this.#fetching === null && this.#loaded === before) break // the store failed; the next hint retries
    }
  }

  close(): void {
    for (const w of [...this.#waiters]) w.resolve('aborted')
    this.#waiters.clear()
  }

  hint(revision: number): void {
    if (revision > this.#hinted) this.#hinted = revision
    void this.#catchUp()
  }

  /**
   * The tail's answer for events after `since`: a slice when it holds them, []
   * when it is caught up with every hint and `fresh` is not asked, and null
   * when only the log can answer (not loaded yet, `since` older than the tail,
   * or `fresh`).
   */
  after(since: number, limit: number, fresh: boolean): DockEvent[] | null {
    if (this.#loaded < 0) return null
    const first = this.#events[0]?.revision ?? this.#loaded + 1
    if (since + 1 < first) return null
    if (since >= this.#loaded) return fresh || this.pending ? null : []
    const start = since + 1 - first
    return this.#events.slice(start, start + limit)
  }

  waitAbove(since: number, timeoutMs: number, signal?: AbortSignal, handle?: WaitHandle): Promise<WaitOutcome> {
    if (this.#loaded < 0) void this.#catchUp()
    if (this.#loaded > since) return Promise.resolve('ready')
    if (signal?.aborted === true) return Promise.resolve('aborted')
    return new Promise((resolve) => {
      let settled = false
      const done = (outcome: WaitOutcome): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        if (handle !== undefined) handle.cancel = noop
        this.#waiters.delete(waiter)
        resolve(outcome)
      }
      const onAbort = (): void => done('aborted')
      if (handle !== undefined) handle.cancel = onAbort
      const waiter: Waiter = { above: since, resolve: done }
      // On time-out, look at the head once for all waiters before giving up: a missed hint costs one read, not one per watcher.
      const timer = setTimeout(
        () => void this.#probe().then(() => done(this.#loaded > since ? 'ready' : 'timeout')),
        timeoutMs,
      )
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.add(waiter)
    })
  }

  #probe(): Promise<void> {
    if (this.#probing !== null) return this.#probing
    if (Date.now() - this.#lastProbe < PROBE_INTERVAL_MS) return Promise.resolve()
    this.#lastProbe = Date.now()
    this.#probing = (async () => {
      try {
        const head = await this.#storage.read((tx) => tx.getWorkspace(this.#workspaceId))
        if (head !== null && head.revision > this.#hinted) this.hint(head.revision)
        await this.settle()
      } catch {
        // The store is closing or briefly unreachable; the waiter times out as it would have.
      } finally {
        this.#probing = null
      }
    })()
    return this.#probing
  }

  #catchUp(): Promise<void> {
    if (this.#fetching !== null) return this.#fetching
    // Nothing to read (a repeated or stale hint): return before starting a round. A round that
    // never awaits would run its `finally` before the assignment below, leaving a settled promise
    // in #fetching for good, and every later hint would be ignored (watchers then wake only on
    // their timeout).
    if (this.#loaded >= 0 && this.#loaded >= this.#hinted) return Promise.resolve()
    // One page per round: waiters are woken after each page, and a caller waiting for the tail to
    // reach a revision is not held for as long as writes keep coming (on PostgreSQL hints arrive while a read runs).
    this.#fetching = (async () => {
      let failed = false
      try {
        if (this.#loaded < 0) {
          // First use: start the tail at the current head instead of replaying history.
          const head = await this.#storage.read((tx) => tx.getWorkspace(this.#workspaceId))
          this.#loaded = head?.revision ?? 0
          if (this.#loaded > this.#hinted) this.#hinted = this.#loaded
        }
        if (this.#loaded < this.#hinted) {
          const fresh = await this.#storage.read((tx) => tx.listEvents(this.#workspaceId, this.#loaded, PAGE))
          if (fresh.length === 0) {
            this.#hinted = this.#loaded
          } else {
            this.#events.push(...fresh)
            this.#loaded = fresh[fresh.length - 1]!.revision
            if (this.#events.length > TAIL_CAPACITY) this.#events.splice(0, this.#events.length - TAIL_CAPACITY)
            // After #loaded moved: a wait ended by the suspension must not then miss the events that came with it.
            for (const e of fresh) if (e.type === 'principal.suspended') this.#onSuspended(e.target.id)
          }
        }
      } catch {
        failed = true
        // The store is closing or briefly unreachable; the next hint retries.
      } finally {
        this.#fetching = null
      }
      for (const w of [...this.#waiters]) if (this.#loaded > w.above) w.resolve('ready')
      // More to read (a long gap, or a hint that arrived while we were reading): another round.
      if (!failed && this.#loaded < this.#hinted) void this.#catchUp()
    })()
    return this.#fetching
  }
}
