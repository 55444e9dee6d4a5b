import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react'
import type { DockEvent, Table } from '../../domain/types.js'
import { describeError } from '../lib/dock.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { rowsAsOf } from '../lib/replay.js'
import { Board } from './Board.js'

const PAGE = 1000

interface Loaded {
  readonly table: Table
  readonly events: readonly DockEvent[]
  /** Workspace revision the events were read up to. */
  readonly through: number
}

/**
 * View a table as of a chosen revision, rebuilt in the browser from the table's
 * row events. The events are read once per "Show"; scrubbing then re-renders
 * from them without another request.
 */
export interface TravelRequest {
  readonly table: string
  readonly revision: number
}

export function TimeTravel({
  tables,
  request,
}: {
  readonly tables: readonly Table[]
  readonly request?: TravelRequest | null
}) {
  const { api, workspace } = useWorkspace()
  const id = useId()
  const [tableName, setTableName] = useState('')
  const [revisionText, setRevisionText] = useState('')
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const chosen = tableName || tables[0]?.name || ''
  const revision = revisionText === '' ? workspace.revision : Number(revisionText)
  const valid = Number.isInteger(revision) && revision >= 0

  const load = useCallback(
    async (name: string) => {
      setBusy(true)
      setError(null)
      try {
        const through = workspace.revision
        const table = await api.getTable(name)
        const events: DockEvent[] = []
        let since = 0
        for (;;) {
          const page = await api.events({ since, limit: PAGE, table: name, type: 'row.*' })
          events.push(...page.items)
          if (page.items.length < PAGE) break
          since = page.items[page.items.length - 1]!.revision
        }
        setLoaded({ table, events, through: Math.max(through, events[events.length - 1]?.revision ?? 0) })
      } catch (err) {
        setError(describeError(err))
      } finally {
        setBusy(false)
      }
    },
    [api, workspace.revision],
  )

  function show(e: FormEvent) {
    e.preventDefault()
    if (!valid) {
      setError('Revision must be a whole number of 0 or more.')
      return
    }
    if (chosen) void load(chosen)
  }

  // "View as of here" from an event in the trail: pick the table and revision, load, and bring the view into sight.
  useEffect(() => {
    if (!request) return
    setTableName(request.table)
    setRevisionText(String(request.revision))
    void load(request.table)
    document.getElementById('time-travel-heading')?.focus()
    // Only a new request should trigger this, not a new `load` identity.
  }, [request])

  const current = loaded && loaded.table.name === chosen && valid ? loaded : null
  const rows = useMemo(
    () => (current ? rowsAsOf(current.events, current.table.name, revision) : []),
    [current, revision],
  )
  const stale = current !== null && revision > current.through

  return (
    <section className="time-travel" aria-labelledby="time-travel-heading">
      <h2 id="time-travel-heading" tabIndex={-1}>
        Time travel
      </h2>
      <p className="muted small">
        See a table as it was at a revision, rebuilt from the log. After the first Show, the slider updates the view
        directly.
      </p>
      <form className="filters" onSubmit={show}>
        <span className="field">
          <label htmlFor={`${id}-table`}>Table</label>
          <select
            id={`${id}-table`}
            value={chosen}
            onChange={(e) => setTableName(e.target.value)}
            disabled={tables.length === 0}
          >
            {tables.map((t) => (
              <option key={t.id} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </span>
        <span className="field">
          <label htmlFor={`${id}-rev`}>As of revision</label>
          <input
            id={`${id}-rev`}
            type="number"
            min={0}
            max={workspace.revision}
            step={1}
            inputMode="numeric"
            placeholder={String(workspace.revision)}
            value={revisionText}
            onChange={(e) => setRevisionText(e.target.value)}
          />
        </span>
        <span className="field">
          <label htmlFor={`${id}-range`}>Scrub</label>
          <input
            id={`${id}-range`}
            type="range"
            min={0}
            max={workspace.revision}
            value={valid ? Math.min(revision, workspace.revision) : 0}
            onChange={(e) => setRevisionText(e.target.value)}
          />
        </span>
        <button type="submit" className="primary" disabled={busy || !chosen}>
          {busy ? 'Rebuilding…' : current ? 'Reload' : 'Show'}
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {current && (
        <div className="as-of" role="region" aria-label={`${current.table.name} as of revision ${revision}`}>
          <p className="small" aria-live="polite">
            <strong>{current.table.name}</strong> as of revision{' '}
            <strong data-testid="as-of-revision">{revision}</strong>: {rows.length} rows
            {stale && (
              <span className="muted"> (events after revision {current.through} not loaded yet: press Reload)</span>
            )}
          </p>
          <Board table={current.table} rows={rows} asOfRevision={revision} />
        </div>
      )}
    </section>
  )
}
