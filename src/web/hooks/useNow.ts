import { useSyncExternalStore } from 'react'

interface Clock {
  now: number
  readonly listeners: Set<() => void>
  timer: ReturnType<typeof setInterval> | null
  /** Stable for the clock's lifetime: useSyncExternalStore re-subscribes whenever `subscribe` changes identity. */
  readonly subscribe: (onChange: () => void) => () => void
  readonly getSnapshot: () => number
}

const clocks = new Map<number, Clock>()

function clock(intervalMs: number): Clock {
  const existing = clocks.get(intervalMs)
  if (existing) return existing
  const c: Clock = {
    now: Date.now(),
    listeners: new Set(),
    timer: null,
    subscribe: (onChange) => {
      c.listeners.add(onChange)
      if (!c.timer) {
        c.now = Date.now()
        c.timer = setInterval(() => {
          c.now = Date.now()
          for (const l of c.listeners) l()
        }, intervalMs)
      }
      return () => {
        c.listeners.delete(onChange)
        if (c.listeners.size === 0 && c.timer) {
          clearInterval(c.timer)
          c.timer = null
        }
      }
    },
    getSnapshot: () => c.now,
  }
  clocks.set(intervalMs, c)
  return c
}

/**
 * The current time in ms, shared: every caller with the same interval re-renders
 * from one timer, so a board full of lease countdowns costs one setInterval.
 */
export function useNow(intervalMs = 1000): number {
  // The store's functions must keep their identity across renders. Fresh ones on each render made
  // React unsubscribe and subscribe again after every render; a sole subscriber then stopped and
  // restarted the timer, which moved `now`, which forced another render: a render loop that ran
  // whenever a render took a millisecond or more ("Maximum update depth exceeded" in the swimlanes).
  const c = clock(intervalMs)
  return useSyncExternalStore(c.subscribe, c.getSnapshot)
}
