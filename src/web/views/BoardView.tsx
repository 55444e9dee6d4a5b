import { useEffect, useId, useMemo, useState } from 'react'
import type { Row, Table } from '../../domain/types.js'
import { routeHref, type Route } from '../hooks/useHashRoute.js'
import { useLiveRows } from '../hooks/useLiveRows.js'
import { useNow } from '../hooks/useNow.js'
import { useResource } from '../hooks/useResource.js'
import { useFeed, useWorkspace } from '../hooks/useWorkspace.js'
import { rowTitle } from '../lib/rows.js'
import { Board } from '../components/Board.js'
import { LoadProblem, StaleNote } from '../components/LoadProblem.js'
import { NewRowForm } from '../components/NewRowForm.js'
import { RowDrawer } from '../components/RowDrawer.js'
import { TableSelect } from '../components/TableSelect.js'

const LAST_TABLE = 'dock.board.table'
const DENSITY = 'dock.board.compact'
/** "Lease expiring soon": under a minute left, as on the health view. */
const SOON_MS = 60_000

interface Filters {
  readonly q: string
  readonly owner: string
  readonly state: string
  readonly soon: boolean
}

function filtersOf(query: URLSearchParams): Filters {
  return {
    q: query.get('q') ?? '',
    owner: query.get('owner') ?? '',
    state: query.get('state') ?? '',
    soon: query.get('soon') === '1',
  }
}

function queryOf(f: Filters): URLSearchParams {
  const q = new URLSearchParams()
  if (f.q) q.set('q', f.q)
  if (f.owner) q.set('owner', f.owner)
  if (f.state) q.set('state', f.state)
  if (f.soon) q.set('soon', '1')
  return q
}

/** The live board of one table: a column per workflow status, filters in the URL, the row drawer beside it. */
export function BoardView({ route }: { readonly route: Route }) {
  const { api, principals, me } = useWorkspace()
  const tables = useResource((signal) => api.listTables({ signal }), [api])
  useFeed((e) => {
    if (e.type === 'table.created' || e.type === 'table.schema_published') tables.reload()
  })
  const [retry, setRetry] = useState(0)
  const [creating, setCreating] = useState(false)
  const [compact, setCompact] = useState(() => localStorage.getItem(DENSITY) === '1')
  const filterId = useId()
  const remembered = localStorage.getItem(LAST_TABLE)
  const list = tables.data ?? []
  const selected =
    route.parts[0] ?? (remembered && list.some((t) => t.name === remembered) ? remembered : (list[0]?.name ?? null))
  const rowId = route.parts[1] ?? null
  const filters = filtersOf(route.query)
  const live = useLiveRows(selected, retry)
  const now = useNow(filters.soon ? 5000 : 60_000)

  useEffect(() => {
    if (selected) localStorage.setItem(LAST_TABLE, selected)
  }, [selected])

  const setFilters = (f: Filters): void => {
    const href = routeHref('board', selected, rowId, queryOf(f))
    history.replaceState(null, '', href)
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  }

  const visible = useMemo(
    () => (live.table ? filterRows(live.table, live.rows, filters, now) : []),
    [live.table, live.rows, filters.q, filters.owner, filters.state, filters.soon, now],
  )
  const boardRow = rowId ? (live.rows.find((r) => r.id === rowId) ?? null) : null
  const writer = me.roles.includes('member') || me.roles.includes('operator')

  return (
    <div className={`board-view${rowId ? ' with-drawer' : ''}`}>
      <div className="view-toolbar">
        <h1>Board</h1>
        {list.length > 0 && (
          <TableSelect
            tables={list}
            value={selected}
            onChange={(name) => {
              window.location.hash = routeHref('board', name)
            }}
          />
        )}
        {live.table && (
          <span className="muted small">
            contract v{live.table.contractVersion} · {visible.length} of {live.rows.length} rows
          </span>
        )}
        <StaleNote stale={live.table !== null && tables.stale} />
        {live.table && writer && (
          <button type="button" className="primary" onClick={() => setCreating(true)} aria-expanded={creating}>
            New row
          </button>
        )}
        <label className="check small">
          <input
            type="checkbox"
            checked={compact}
            onChange={(e) => {
              setCompact(e.target.checked)
              localStorage.setItem(DENSITY, e.target.checked ? '1' : '0')
            }}
          />{' '}
          Compact
        </label>
      </div>
      {live.table && (
        <form className="filter-bar" role="search" aria-label="Filter rows" onSubmit={(e) => e.preventDefault()}>
          <span className="field-inline">
            <label htmlFor={`${filterId}-q`}>Text</label>
            <input
              id={`${filterId}-q`}
              type="search"
              value={filters.q}
              onChange={(e) => setFilters({ ...filters, q: e.target.value })}
              placeholder="title or value"
            />
          </span>
          <span className="field-inline">
            <label htmlFor={`${filterId}-owner`}>Owner</label>
            <select
              id={`${filterId}-owner`}
              value={filters.owner}
              onChange={(e) => setFilters({ ...filters, owner: e.target.value })}
            >
              <option value="">anyone</option>
              <option value="none">unclaimed</option>
              {principals.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </span>
          <span className="field-inline">
            <label htmlFor={`${filterId}-state`}>Readiness</label>
            <select
              id={`${filterId}-state`}
              value={filters.state}
              onChange={(e) => setFilters({ ...filters, state: e.target.value })}
            >
              <option value="">all</option>
              <option value="ready">ready to claim</option>
              <option value="blocked">blocked</option>
            </select>
          </span>
          <label className="check">
            <input
              type="checkbox"
              checked={filters.soon}
              onChange={(e) => setFilters({ ...filters, soon: e.target.checked })}
            />{' '}
            Lease expiring soon
          </label>
        </form>
      )}
      {tables.error && <LoadProblem error={tables.error} onRetry={tables.reload} what="the tables" />}
      {tables.data && list.length === 0 && (
        <p className="empty">No tables yet. Create one with the API, the CLI or an agent.</p>
      )}
      {live.error && (
        <LoadProblem error={live.error} onRetry={() => setRetry((n) => n + 1)} what={`table ${selected ?? ''}`} />
      )}
      {live.loading && !live.table && selected && (
        <p className="loading" role="status">
          Loading {selected}…
        </p>
      )}
      {creating && live.table && <NewRowForm table={live.table} onClose={() => setCreating(false)} />}
      <div className="board-layout">
        {live.table && (
          <Board table={live.table} rows={visible} allRows={live.rows} selectedId={rowId} compact={compact} />
        )}
        {live.table && rowId && (
          <RowDrawer
            table={live.table}
            boardRow={boardRow}
            rowId={rowId}
            allRows={live.rows}
            closeHref={routeHref('board', live.table.name, route.query)}
          />
        )}
      </div>
    </div>
  )
}

function filterRows(table: Table, rows: readonly Row[], f: Filters, now: number): Row[] {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const claimable = table.workflow.claim?.from ?? [table.workflow.initial]
  const blocked = (r: Row) =>
    r.blockedBy.some((id) => {
      const b = byId.get(id)
      return !b || !table.workflow.done.includes(b.status)
    })
  const q = f.q.trim().toLowerCase()
  return rows.filter((r) => {
    if (
      q &&
      !rowTitle(r, table).toLowerCase().includes(q) &&
      !r.id.includes(q) &&
      !Object.values(r.values).some((v) => typeof v === 'string' && v.toLowerCase().includes(q))
    )
      return false
    if (f.owner === 'none' ? r.owner !== null : f.owner && r.owner !== f.owner) return false
    if (f.state === 'blocked' && !blocked(r)) return false
    if (f.state === 'ready' && (!claimable.includes(r.status) || r.owner !== null || blocked(r))) return false
    if (f.soon) {
      const left = r.leaseExpiresAt ? Date.parse(r.leaseExpiresAt) - now : -1
      if (r.owner === null || left <= 0 || left > SOON_MS) return false
    }
    return true
  })
}
