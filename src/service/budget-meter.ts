import { DockError } from '../domain/errors.js'

const WINDOW_MS = 60_000

/**
 * Sliding-minute write counter per principal. Kept in memory on each node:
 * with several nodes a principal can spend up to its budget on each of them
 * (documented in the README; a shared counter would cost a round trip per write).
 */
export class BudgetMeter {
  readonly #spent = new Map<string, number[]>()

  /** Refuses when the principal has spent its budget; otherwise records one write. */
  take(principalId: string, writesPerMinute: number | null, now: number): void {
    if (writesPerMinute === null) return
    const stamps = this.#window(principalId, now)
    if (stamps.length >= writesPerMinute) {
      const retryAfterMs = Math.max(0, (stamps[0] ?? now) + WINDOW_MS - now)
      throw new DockError('budget_exceeded', `budget of ${writesPerMinute} writes per minute is spent`, {
        details: { writesPerMinute, retryAfterMs },
      })
    }
    stamps.push(now)
  }

  used(principalId: string, now: number): number {
    return this.#window(principalId, now).length
  }

  #window(principalId: string, now: number): number[] {
    let stamps = this.#spent.get(principalId)
    if (stamps === undefined) {
      stamps = []
      this.#spent.set(principalId, stamps)
    }
    let drop = 0
    while (drop < stamps.length && (stamps[drop] ?? 0) <= now - WINDOW_MS) drop++
    if (drop > 0) stamps.splice(0, drop)
    return stamps
  }
}
