import { useEffect, useId, useMemo, useState } from 'react'
import type { DockEvent } from '../../domain/types.js'
import { describeError } from '../lib/dock.js'
import { useFeed, useWorkspace } from '../hooks/useWorkspace.js'
import { useNow } from '../hooks/useNow.js'
import { CLAIM_EVENT_TYPES, claimIntervals } from '../lib/swimlanes.js'
import { SwimlaneChart } from '../components/SwimlaneChart.js'
import { ClaimTable } from '../components/ClaimTable.js'

const PAGE = 1000
const MAX_PAGES = 50
const RANGES = [
  { label: 'Everything', ms: 0 },
  { label: 'Last 15 minutes', ms: 15 * 60_000 },
  { label: 'Last hour', ms: 60 * 60_000 },
  { label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
] as const

/** Per-agent timeline of claims, drawn from the log's claim events. */
export function SwimlanesView() {
  const { api, nameOf, epoch } = useWorkspace()
  const id = useId()
  const [events, setEvents] = useState<readonly DockEvent[]>([])
  const [loaded, setLoaded] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [rangeMs, setRangeMs] = useState(0)
  const now = useNow(1000)

  useEffect(() => {
    let cancelled = false
    void (async () => {
      try {
        const all: DockEvent[] = []
        let since = 0
        for (let i = 0; i < MAX_PAGES; i++) {
          const page = await api.events({ since, limit: PAGE, type: [...CLAIM_EVENT_TYPES] })
          if (cancelled) return
          all.push(...page.items)
          if (page.items.length < PAGE) break
          since = page.items[page.items.length - 1]!.revision
        }
        setEvents((live) => {
          const seen = new Set(all.map((e) => e.revision))
          return [...all, ...live.filter((e) => !seen.has(e.revision))]
        })
        setLoaded(true)
      } catch (err) {
        if (!cancelled) setError(describeError(err))
      }
    })()
    return () => {
      cancelled = true
    }
  }, [api, epoch])

  useFeed((e) => {
    if (!(CLAIM_EVENT_TYPES as readonly string[]).includes(e.type)) return
    setEvents((prev) => (prev.some((p) => p.revision === e.revision) ? prev : [...prev, e]))
  })

  const intervals = useMemo(() => claimIntervals(events), [events])
  const visible = useMemo(() => {
    if (!rangeMs) return intervals
    const from = now - rangeMs
    return intervals.filter((c) => (c.end ?? now) >= from)
  }, [intervals, rangeMs, now])
  // "Everything" spans the first claim to the last end (or now while a claim is open), padded a little.
  const earliest = Math.min(now, ...visible.map((c) => c.start))
  const latest = visible.some((c) => c.end === null) ? now : Math.max(earliest, ...visible.map((c) => c.end ?? now))
  const pad = Math.max(500, (latest - earliest) * 0.04)
  const from = rangeMs ? now - rangeMs : earliest - pad
  const to = rangeMs ? now : Math.min(now, latest + pad)

  return (
    <div className="swimlanes-view">
      <div className="view-toolbar">
        <h1>Swimlanes</h1>
        <span className="field-inline">
          <label htmlFor={`${id}-range`}>Range</label>
          <select id={`${id}-range`} value={rangeMs} onChange={(e) => setRangeMs(Number(e.target.value))}>
            {RANGES.map((r) => (
              <option key={r.ms} value={r.ms}>
                {r.label}
              </option>
            ))}
          </select>
        </span>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!loaded && !error && (
        <p className="loading" role="status">
          Reading the log…
        </p>
      )}
      {loaded && visible.length === 0 && <p className="empty">No claims in this range.</p>}
      {visible.length > 0 && (
        <>
          <SwimlaneChart intervals={visible} from={from} to={Math.max(to, from + 1000)} nameOf={nameOf} />
          <ClaimTable intervals={visible} nameOf={nameOf} now={now} />
        </>
      )}
    </div>
  )
}
