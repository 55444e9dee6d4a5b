import { useEffect, useState } from 'react'

/** The current time in ms, re-rendering every `intervalMs` (one shared timer per caller). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(t)
  }, [intervalMs])
  return now
}
