import { useId } from 'react'
import type { Table } from '../../domain/types.js'

interface Props {
  readonly tables: readonly Table[]
  readonly value: string | null
  readonly onChange: (name: string) => void
  readonly label?: string
}

export function TableSelect({ tables, value, onChange, label = 'Table' }: Props) {
  const id = useId()
  return (
    <span className="field-inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        {value === null && <option value="">Choose…</option>}
        {tables.map((t) => (
          <option key={t.id} value={t.name}>
            {t.name}
          </option>
        ))}
      </select>
    </span>
  )
}
