/**
 * The demo's tempo: small pauses so a human can follow the board, none with
 * --fast. Every pause ends early when the run is aborted.
 */
export class Pace {
  readonly #unitMs: number
  readonly #signal: AbortSignal

  constructor(unitMs: number, signal: AbortSignal) {
    this.#unitMs = unitMs
    this.#signal = signal
  }

  get fast(): boolean {
    return this.#unitMs === 0
  }

  /** Pauses `units` beats (a beat is the unit, jittered ±30% so agents interleave). */
  beat(units = 1): Promise<void> {
    if (this.#unitMs === 0 || this.#signal.aborted) return Promise.resolve()
    const ms = units * this.#unitMs * (0.7 + Math.random() * 0.6)
    return sleep(ms, this.#signal)
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
