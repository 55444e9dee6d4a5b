/** FIFO mutex for async critical sections (one writer connection, one reader lane). */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve()

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn)
    // The next waiter starts once this one settles, whether it failed or not.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }
}
