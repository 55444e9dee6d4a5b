import { useCallback, useEffect, useRef, useState } from 'react'
import type { DockEvent } from '../../domain/types.js'
import type { DocSummary } from '../../client/api-types.js'
import { describeError } from '../lib/dock.js'
import { useFeed, useWorkspace } from '../hooks/useWorkspace.js'
import { matchesFilters, type EventFilters } from '../lib/eventFilter.js'
import { TrailFilters } from '../components/TrailFilters.js'
import { EventList } from '../components/EventList.js'
import { TimeTravel, type TravelRequest } from '../components/TimeTravel.js'
import type { Table } from '../../domain/types.js'

const WINDOW = 1000
const ENOUGH = 100

/**
 * The event log, newest first. It loads backwards in windows of revisions
 * (`since = lo`) so the newest events come first whatever the log's length, and
 * appends matching live events from the feed.
 */
/** Filters as the trail's URL query: a filtered trail is a link (the drawer links a row's whole trail). */
function filtersFromQuery(q: URLSearchParams): EventFilters {
  const out: Record<string, string> = {}
  for (const k of ['table', 'doc', 'actor', 'type', 'status', 'row'] as const) {
    const v = q.get(k)
    if (v) out[k] = v
  }
  return out
}

export function TrailView({ query }: { readonly query: URLSearchParams }) {
  const { api, workspace, epoch } = useWorkspace()
  const [filters, setFiltersState] = useState<EventFilters>(() => filtersFromQuery(query))
  const setFilters = useCallback((f: EventFilters) => {
    setFiltersState(f)
    const q = new URLSearchParams(
      Object.entries(f).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    )
    history.replaceState(null, '', `#/trail${q.toString() ? `?${q}` : ''}`)
  }, [])
  const [events, setEvents] = useState<readonly DockEvent[]>([])
  const [lo, setLo] = useState<number | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [tables, setTables] = useState<readonly Table[]>([])
  const [docs, setDocs] = useState<readonly DocSummary[]>([])
  const [travel, setTravel] = useState<TravelRequest | null>(null)
  const generation = useRef(0)
  const headAtOpen = useRef(workspace.revision)

  useEffect(() => {
    api.listTables().then(setTables, () => undefined)
    api.listDocs().then(setDocs, () => undefined)
  }, [api, epoch])

  const loadOlder = useCallback(
    async (from: number, f: EventFilters, gen: number) => {
      setLoading(true)
      setError(null)
      try {
        let hi = from
        const found: DockEvent[] = []
        // Backwards in windows of revisions, keeping the newest ENOUGH: a page is 100 events, never a whole window.
        while (hi > 0 && found.length < ENOUGH) {
          const since = Math.max(0, hi - WINDOW)
          const page = await api.events({ since, limit: WINDOW, ...f })
          if (gen !== generation.current) return
          const inWindow = page.items.filter((e) => e.revision <= hi)
          const need = ENOUGH - found.length
          if (inWindow.length > need) {
            const kept = inWindow.slice(-need)
            found.push(...kept)
            hi = kept[0]!.revision - 1
            break
          }
          found.push(...inWindow)
          hi = since
        }
        setEvents((prev) => {
          const seen = new Set(prev.map((e) => e.revision))
          return [...prev, ...found.filter((e) => !seen.has(e.revision))].sort((a, b) => b.revision - a.revision)
        })
        setLo(hi)
      } catch (err) {
        if (gen === generation.current) setError(describeError(err))
      } finally {
        if (gen === generation.current) setLoading(false)
      }
    },
    [api],
  )

  useEffect(() => {
    const gen = ++generation.current
    setEvents([])
    setLo(null)
    headAtOpen.current = workspace.revision
    void loadOlder(workspace.revision, filters, gen)
    // Reload when the filters change or the feed comes back after a drop (not on every revision); live events arrive through the feed.
  }, [filters, loadOlder, epoch])

  useFeed((e) => {
    if (e.revision <= headAtOpen.current || !matchesFilters(e, filters)) return
    setEvents((prev) => (prev.some((p) => p.revision === e.revision) ? prev : [e, ...prev]))
  })

  return (
    <div className="trail-view">
      <div className="view-toolbar">
        <h1>Trail</h1>
      </div>
      <TrailFilters value={filters} onChange={setFilters} tables={tables} docs={docs} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p className="small">
        <button
          type="button"
          className="link-button"
          onClick={() => document.getElementById('time-travel-heading')?.focus()}
        >
          Jump to time travel
        </button>
      </p>
      <EventList events={events} docs={docs} onTimeTravel={(table, revision) => setTravel({ table, revision })} />
      <div className="load-more">
        {loading && (
          <p className="loading" role="status">
            Loading events…
          </p>
        )}
        {!loading && lo !== null && lo > 0 && (
          <button type="button" onClick={() => void loadOlder(lo, filters, generation.current)}>
            Next 100 older events (before rev {lo + 1})
          </button>
        )}
        {!loading && lo === 0 && (
          <p className="muted small">
            Start of the log. {events.length} event{events.length === 1 ? '' : 's'} shown.
          </p>
        )}
      </div>
      <TimeTravel tables={tables} request={travel} />
    </div>
  )
}
