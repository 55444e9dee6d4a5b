import type { Row, Table } from '../../domain/types.js'

function show(v: unknown): string {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

/** The row's values behind a disclosure, so cards stay short. */
export function RowValues({ row, table }: { readonly row: Row; readonly table: Table }) {
  const entries = Object.entries(row.values).filter(([k]) => k !== table.workflow.statusColumn)
  return (
    <details className="row-values">
      <summary>Details <span className="visually-hidden">of {row.id}</span></summary>
      <dl>
        <div><dt>id</dt><dd className="mono">{row.id}</dd></div>
        <div><dt>version</dt><dd>{row.version} (rev {row.revision})</dd></div>
        {entries.map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd>{show(v)}</dd></div>
        ))}
      </dl>
    </details>
  )
}
