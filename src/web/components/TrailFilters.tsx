import { useId } from 'react'
import type { EventType, Table } from '../../domain/types.js'
import type { DocSummary } from '../../client/api-types.js'
import type { EventFilters } from '../lib/eventFilter.js'
import { useWorkspace } from '../hooks/useWorkspace.js'

const TYPES: readonly EventType[] = [
  'row.created',
  'row.updated',
  'row.claimed',
  'row.heartbeat',
  'row.released',
  'row.transitioned',
  'row.lease_expired',
  'row.note_added',
  'row.requeued',
  'doc.created',
  'doc.replaced',
  'doc.section_written',
  'doc.locked',
  'doc.unlocked',
  'table.created',
  'table.schema_published',
  'principal.created',
  'principal.updated',
  'principal.suspended',
  'principal.resumed',
  'workspace.created',
  'workspace.frozen',
  'workspace.unfrozen',
]
const GROUPS = ['row.*', 'doc.*', 'table.*', 'principal.*', 'workspace.*']

interface Props {
  readonly value: EventFilters
  readonly onChange: (f: EventFilters) => void
  readonly tables: readonly Table[]
  readonly docs: readonly DocSummary[]
}

export function TrailFilters({ value, onChange, tables, docs }: Props) {
  const { principals } = useWorkspace()
  const id = useId()
  const set = (k: keyof EventFilters, v: string) => onChange({ ...value, [k]: v || undefined })
  return (
    <form className="filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
      <span className="field">
        <label htmlFor={`${id}-actor`}>Actor</label>
        <select id={`${id}-actor`} value={value.actor ?? ''} onChange={(e) => set('actor', e.target.value)}>
          <option value="">Anyone</option>
          <option value="system">system</option>
          {principals.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </span>
      <span className="field">
        <label htmlFor={`${id}-table`}>Table</label>
        <select id={`${id}-table`} value={value.table ?? ''} onChange={(e) => set('table', e.target.value)}>
          <option value="">Any table</option>
          {tables.map((t) => (
            <option key={t.id} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      </span>
      <span className="field">
        <label htmlFor={`${id}-doc`}>Doc</label>
        <select id={`${id}-doc`} value={value.doc ?? ''} onChange={(e) => set('doc', e.target.value)}>
          <option value="">Any doc</option>
          {docs.map((d) => (
            <option key={d.id} value={d.id}>
              {d.title}
            </option>
          ))}
        </select>
      </span>
      <span className="field">
        <label htmlFor={`${id}-type`}>Type</label>
        <select id={`${id}-type`} value={value.type ?? ''} onChange={(e) => set('type', e.target.value)}>
          <option value="">Any type</option>
          <optgroup label="Groups">
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </optgroup>
          <optgroup label="Types">
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </optgroup>
        </select>
      </span>
      <span className="field">
        <label htmlFor={`${id}-row`}>Row id</label>
        <input
          id={`${id}-row`}
          type="text"
          value={value.row ?? ''}
          onChange={(e) => set('row', e.target.value.trim())}
          placeholder="one row's timeline"
        />
      </span>
      {(value.actor || value.table || value.doc || value.type || value.row) && (
        <button type="button" onClick={() => onChange({})}>
          Clear filters
        </button>
      )}
    </form>
  )
}
