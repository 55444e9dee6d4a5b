import type { Dispatch, SetStateAction } from 'react'
import type { Column } from '../../domain/types.js'
import { ValueInput, type Draft } from './ValueInput.js'

/** One typed field per column, labelled by its name: the value grid of the new-row form and the row drawer. */
export function ColumnFields({
  idPrefix,
  columns,
  draft,
  setDraft,
  markRequired = false,
}: {
  /** Field ids are `${idPrefix}-${column}`, unique per form. */
  readonly idPrefix: string
  readonly columns: readonly Column[]
  readonly draft: Readonly<Record<string, Draft>>
  readonly setDraft: Dispatch<SetStateAction<Record<string, Draft>>>
  /** A new row must fill its required columns; an edit keeps what the row has, so it does not say so. */
  readonly markRequired?: boolean
}) {
  return (
    <div className="form-grid">
      {columns.map((c) => (
        <div key={c.name} className="field">
          <label htmlFor={`${idPrefix}-${c.name}`}>
            {c.name}
            {markRequired && c.required ? <span aria-hidden="true"> *</span> : null}
          </label>
          <ValueInput
            id={`${idPrefix}-${c.name}`}
            column={c}
            value={draft[c.name] ?? ''}
            onChange={(v) => setDraft((d) => ({ ...d, [c.name]: v }))}
          />
        </div>
      ))}
    </div>
  )
}
