/**
 * Lets I/O and timers run before the next step of a long loop. The SQLite
 * driver is synchronous and an awaited read that is already settled only
 * queues a microtask, so without this a many-page read holds the event loop
 * (and every other request) until it ends.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
