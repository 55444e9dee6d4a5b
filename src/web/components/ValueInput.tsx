import type { Column } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'

/** A form's view of a value: strings for text boxes, booleans for checkboxes. */
export type Draft = string | boolean

export function toDraft(col: Column, v: unknown): Draft {
  if (col.type === 'boolean') return v === true
  if (v === null || v === undefined) return ''
  if (col.type === 'json') return JSON.stringify(v, null, 2)
  if (col.type === 'date' && typeof v === 'string') return v.slice(0, 10)
  return String(v)
}

/** Back to a typed value; undefined for an empty field; throws with a sentence for bad input. */
export function fromDraft(col: Column, d: Draft): unknown {
  if (col.type === 'boolean') return d === true
  const s = String(d)
  if (s.trim() === '') return undefined
  switch (col.type) {
    case 'number':
    case 'integer': {
      const n = Number(s)
      if (!Number.isFinite(n) || (col.type === 'integer' && !Number.isInteger(n)))
        throw new Error(`${col.name} must be ${col.type === 'integer' ? 'a whole number' : 'a number'}`)
      return n
    }
    case 'json':
      try {
        return JSON.parse(s)
      } catch {
        throw new Error(`${col.name} is not valid JSON`)
      }
    default:
      return s
  }
}

interface Props {
  readonly id: string
  readonly column: Column
  readonly value: Draft
  readonly onChange: (v: Draft) => void
  readonly disabled?: boolean
  readonly describedBy?: string | undefined
}

/** One typed input per column type: numbers, dates, checkboxes, selects for enums and principals. */
export function ValueInput({ id, column: c, value, onChange, disabled, describedBy }: Props) {
  const { principals } = useWorkspace()
  const common = {
    id,
    disabled,
    'aria-describedby': describedBy,
    required: c.required === true && c.type !== 'boolean',
    name: c.name,
  }
  switch (c.type) {
    case 'boolean':
      return <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
    case 'enum':
      return (
        <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {(c.values ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      )
    case 'principal':
      return (
        <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {principals.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      )
    case 'number':
    case 'integer':
      return (
        <input
          {...common}
          type="number"
          step={c.type === 'integer' ? 1 : 'any'}
          value={String(value)}
          onChange={(e) => onChange(e.target.value)}
        />
      )
    case 'date':
      return <input {...common} type="date" value={String(value)} onChange={(e) => onChange(e.target.value)} />
    case 'json':
      return (
        <textarea
          {...common}
          rows={3}
          className="mono"
          value={String(value)}
          onChange={(e) => onChange(e.target.value)}
        />
      )
    default:
      return (
        <input
          {...common}
          type="text"
          value={String(value)}
          onChange={(e) => onChange(e.target.value)}
          placeholder={c.type === 'ref' ? `row id in ${c.table ?? '?'}` : undefined}
        />
      )
  }
}
