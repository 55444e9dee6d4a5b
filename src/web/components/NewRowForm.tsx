import { useId, useState, type FormEvent } from 'react'
import type { Table } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { rowHref } from '../hooks/useHashRoute.js'
import { describeError } from '../lib/dock.js'
import { ColumnFields } from './ColumnFields.js'
import { fromDraft, toDraft, type Draft } from './ValueInput.js'

/** A form generated from the table's contract: one typed field per column, labelled by its name. */
export function NewRowForm({ table, onClose }: { readonly table: Table; readonly onClose: () => void }) {
  const { api, announce } = useWorkspace()
  const id = useId()
  const columns = table.columns.filter((c) => c.name !== table.workflow.statusColumn)
  const [draft, setDraft] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(columns.map((c) => [c.name, toDraft(c, c.default)])),
  )
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setError(null)
    let values: Record<string, unknown>
    try {
      values = Object.fromEntries(
        columns.map((c) => [c.name, fromDraft(c, draft[c.name] ?? '')]).filter(([, v]) => v !== undefined),
      )
    } catch (err) {
      setError(describeError(err))
      return
    }
    setBusy(true)
    try {
      const row = await api.createRow(table.name, { values, contractVersion: table.contractVersion })
      announce(`Row created in ${table.name}`)
      onClose()
      window.location.hash = rowHref(table.name, row.id)
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="panel new-row" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>New row in {table.name}</h2>
      <p className="muted small">
        Contract v{table.contractVersion}; rows start in {table.workflow.initial}.
      </p>
      <ColumnFields idPrefix={id} columns={columns} draft={draft} setDraft={setDraft} markRequired />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  )
}
