import type { DockEvent } from '../domain/types.js'
import type { Storage } from '../storage/storage.js'

const TAIL_CAPACITY = 4096
const PAGE = 1000

/**
 * Fans new events out to watchers. The log is the truth: a commit hint (local,
 * or from another node through the store) makes the hub read what is new once
 * per workspace into a bounded tail, so a thousand watchers cost one read, not
 * a thousand. Watchers behind the tail read the log themselves.
 */
export class ChangeHub {
  readonly #storage: Storage
  readonly #tails = new Map<string, WorkspaceTail>()
  readonly #unsubscribe: () => void
  readonly #suspendListeners = new Set<(principalId: string) => void>()

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

  /** The newest revision the tail has loaded, or null before it has read the log. */
  knownRevision(workspaceId: string): number | null {
    return this.#tails.get(workspaceId)?.loaded ?? null
  }

  close(): void {
    this.#unsubscribe()
    for (const tail of this.#tails.values()) tail.close()
  }

  /**
   * Events after `since`, at most `limit`, from the tail when it covers them,
   * else from the log. Returns [] when the log has nothing newer.
   */
  async eventsAfter(workspaceId: string, since: number, limit: number): Promise<DockEvent[]> {
    const tail = this.#tail(workspaceId)
    const cached = tail.after(since, limit)
    if (cached !== null) return cached
    return this.#storage.read((tx) => tx.listEvents(workspaceId, since, limit))
  }

  /** Resolves when the workspace has a revision above `since`, or after `timeoutMs`, or on abort. */
  waitForRevision(workspaceId: string, since: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.#tail(workspaceId).waitAbove(since, timeoutMs, signal)
  }

  #tail(workspaceId: string): WorkspaceTail {
    let tail = this.#tails.get(workspaceId)
    if (tail === undefined) {
      tail = new WorkspaceTail(workspaceId, this.#storage, (principalId) => {
        for (const l of this.#suspendListeners) l(principalId)
      })
      this.#tails.set(workspaceId, tail)
    }
    return tail
  }
}

interface Waiter {
  readonly above: number
  readonly resolve: () => void
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

  close(): void {
    for (const w of this.#waiters) w.resolve()
    this.#waiters.clear()
  }

  hint(revision: number): void {
    if (revision > this.#hinted) this.#hinted = revision
    void this.#catchUp()
  }

  after(since: number, limit: number): DockEvent[] | null {
    if (this.#loaded < 0) return null
    const first = this.#events[0]?.revision ?? this.#loaded + 1
    if (since + 1 < first) return null
    // Past what the tail has loaded: it may simply be behind the log, so let the log answer.
    if (since >= this.#loaded) return null
    const start = since + 1 - first
    return this.#events.slice(start, start + limit)
  }

  waitAbove(since: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#loaded < 0) void this.#catchUp()
    if (this.#loaded > since) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        this.#waiters.delete(waiter)
        resolve()
      }
      const waiter: Waiter = { above: since, resolve: done }
      const timer = setTimeout(done, timeoutMs)
      signal?.addEventListener('abort', done, { once: true })
      this.#waiters.add(waiter)
    })
  }

  #catchUp(): Promise<void> {
    if (this.#fetching !== null) return this.#fetching
    // Nothing to read (a repeated or stale hint): return before starting a round. A round that
    // never awaits would run its `finally` before the assignment below, leaving a settled promise
    // in #fetching for good, and every later hint would be ignored (watchers then wake only on
    // their timeout).
    if (this.#loaded >= 0 && this.#loaded >= this.#hinted) return Promise.resolve()
    this.#fetching = (async () => {
      let failed = false
      try {
        for (;;) {
          if (this.#loaded < 0) {
            // First use: start the tail at the current head instead of replaying history.
            const head = await this.#storage.read((tx) => tx.getWorkspace(this.#workspaceId))
            this.#loaded = head?.revision ?? 0
            if (this.#loaded > this.#hinted) this.#hinted = this.#loaded
          }
          if (this.#loaded >= this.#hinted) break
          const fresh = await this.#storage.read((tx) => tx.listEvents(this.#workspaceId, this.#loaded, PAGE))
          if (fresh.length === 0) {
            this.#hinted = this.#loaded
            break
          }
          this.#events.push(...fresh)
          for (const e of fresh) if (e.type === 'principal.suspended') this.#onSuspended(e.target.id)
          this.#loaded = fresh[fresh.length - 1]!.revision
          if (this.#events.length > TAIL_CAPACITY) this.#events.splice(0, this.#events.length - TAIL_CAPACITY)
        }
      } catch {
        failed = true
        // The store is closing or briefly unreachable; the next hint retries.
      } finally {
        this.#fetching = null
      }
      for (const w of [...this.#waiters]) if (this.#loaded > w.above) w.resolve()
      // A hint may have arrived while we were reading.
      if (!failed && this.#loaded < this.#hinted) void this.#catchUp()
    })()
    return this.#fetching
  }
}
