import { useId, useState, type FormEvent } from 'react'
import type { DockEvent, Table } from '../../domain/types.js'
import { describeError } from '../api/client.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { rowsAsOf } from '../lib/replay.js'
import { Board } from './Board.js'

const PAGE = 1000

/** View a table as of a chosen revision, rebuilt in the browser from the table's row events. */
export function TimeTravel({ tables }: { readonly tables: readonly Table[] }) {
  const { api, workspace } = useWorkspace()
  const id = useId()
  const [tableName, setTableName] = useState('')
  const [revisionText, setRevisionText] = useState('')
  const [result, setResult] = useState<{ table: Table; revision: number; events: readonly DockEvent[] } | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const chosen = tableName || tables[0]?.name || ''

  async function show(e: FormEvent) {
    e.preventDefault()
    const revision = revisionText === '' ? workspace.revision : Number(revisionText)
    if (!Number.isInteger(revision) || revision < 0) {
      setError('Revision must be a whole number of 0 or more.')
      return
    }
    if (!chosen) return
    setBusy(true)
    setError(null)
    try {
      const table = await api.table(chosen)
      const events: DockEvent[] = []
      let since = 0
      for (;;) {
        const page = await api.events(since, PAGE, { table: chosen, type: 'row.*' })
        events.push(...page.items)
        const last = page.items[page.items.length - 1]
        if (!last || last.revision >= revision || page.items.length < PAGE) break
        since = last.revision
      }
      setResult({ table, revision, events })
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  const rows = result ? rowsAsOf(result.events, result.table.name, result.revision) : []
  return (
    <section className="time-travel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Time travel</h2>
      <p className="muted small">See a table as it was at a revision, rebuilt from the log.</p>
      <form className="filters" onSubmit={show}>
        <span className="field">
          <label htmlFor={`${id}-table`}>Table</label>
          <select id={`${id}-table`} value={chosen} onChange={(e) => setTableName(e.target.value)} disabled={tables.length === 0}>
            {tables.map((t) => <option key={t.id} value={t.name}>{t.name}</option>)}
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
            value={revisionText === '' ? workspace.revision : Number(revisionText) || 0}
            onChange={(e) => setRevisionText(e.target.value)}
          />
        </span>
        <button type="submit" className="primary" disabled={busy || !chosen}>{busy ? 'Rebuilding…' : 'Show'}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {result && (
        <div className="as-of" role="region" aria-label={`${result.table.name} as of revision ${result.revision}`}>
          <p className="small"><strong>{result.table.name}</strong> as of revision <strong data-testid="as-of-revision">{result.revision}</strong>: {rows.length} rows</p>
          <Board table={result.table} rows={rows} asOfRevision={result.revision} />
        </div>
      )}
    </section>
  )
}
