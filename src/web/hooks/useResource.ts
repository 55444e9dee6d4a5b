import { useCallback, useEffect, useRef, useState } from 'react'
import { describeError, isAbort } from '../lib/dock.js'
import { useWorkspace } from './useWorkspace.js'

export interface Resource<T> {
  readonly data: T | null
  readonly error: string | null
  readonly loading: boolean
  /** True while the feed is down: what is shown may be out of date. */
  readonly stale: boolean
  /** Loads again (the Retry button, or a live event that calls for a re-read). */
  readonly reload: () => void
}

/**
 * One read the view depends on. It runs again when `deps` change, when the
 * feed reconnects after a drop (so "Failed to fetch" never outlives the
 * outage), and on `reload()`; a newer load always wins over an older one.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const { epoch, feedStatus } = useWorkspace()
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  })
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    const ac = new AbortController()
    setState((s) => ({ ...s, loading: true }))
    loadRef.current(ac.signal).then(
      (data) => {
        if (!ac.signal.aborted) setState({ data, error: null, loading: false })
      },
      (err: unknown) => {
        if (!ac.signal.aborted && !isAbort(err))
          setState((s) => ({ data: s.data, error: describeError(err), loading: false }))
      },
    )
    return () => ac.abort()
  }, [...deps, epoch, tick])

  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { ...state, stale: feedStatus !== 'live' && state.data !== null, reload }
}
