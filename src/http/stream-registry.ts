import { DockError } from '../domain/errors.js'

/** One open stream (an SSE watch or a long-poll): aborted on shutdown, released when it ends. */
export interface StreamSlot {
  readonly signal: AbortSignal
  abort(): void
  /** Gives the slot back; idempotent. */
  release(): void
}

/**
 * Open streams by principal. A stream holds a socket and a watcher for as long
 * as the client likes, so each principal gets a bounded number: one agent (or
 * one leaked key) cannot take every socket the server has.
 */
export class StreamRegistry {
  readonly #max: number
  readonly #byPrincipal = new Map<string, Set<AbortController>>()

  constructor(maxPerPrincipal: number) {
    this.#max = maxPerPrincipal
  }

  /** Takes a slot for `principalId`, or throws `too_many_streams` when it holds the maximum already. */
  open(principalId: string): StreamSlot {
    let mine = this.#byPrincipal.get(principalId)
    if (mine === undefined) this.#byPrincipal.set(principalId, (mine = new Set()))
    if (mine.size >= this.#max) {
      throw new DockError(
        'too_many_streams',
        `this principal already holds ${mine.size} open streams (the most this server allows); close one first`,
        {
          details: { open: mine.size, max: this.#max },
        },
      )
    }
    const set = mine
    const controller = new AbortController()
    set.add(controller)
    return {
      signal: controller.signal,
      abort: () => controller.abort(),
      release: () => {
        set.delete(controller)
        if (set.size === 0 && this.#byPrincipal.get(principalId) === set) this.#byPrincipal.delete(principalId)
      },
    }
  }

  /** How many streams `principalId` holds open now. */
  count(principalId: string): number {
    return this.#byPrincipal.get(principalId)?.size ?? 0
  }

  /** Ends every stream (server shutdown: open streams would hold it open). */
  abortAll(): void {
    for (const set of this.#byPrincipal.values()) for (const controller of set) controller.abort()
  }
}
