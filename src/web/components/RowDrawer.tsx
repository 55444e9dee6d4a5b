import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react'
import { isDockApiError } from '../../client/dock-api-error.js'
import type { DockEvent, Row, Table } from '../../domain/types.js'
import { rowHref, routeHref } from '../hooks/useHashRoute.js'
import { useNow } from '../hooks/useNow.js'
import { useResource } from '../hooks/useResource.js'
import { useFeed, useWorkspace } from '../hooks/useWorkspace.js'
import { describeError } from '../lib/dock.js'
import { rowTitle } from '../lib/rows.js'
import { sentenceOf, show, valueChanges } from '../lib/sentences.js'
import { formatTime } from '../lib/time.js'
import { moveOptions, tokenFor } from '../lib/workflow.js'
import { LeaseCountdown } from './LeaseCountdown.js'
import { LoadProblem } from './LoadProblem.js'
import { ColumnFields } from './ColumnFields.js'
import { fromDraft, toDraft, type Draft } from './ValueInput.js'

interface Props {
  readonly table: Table
  /** The row as the live board has it (kept current by the feed), or null while it loads. */
  readonly boardRow: Row | null
  readonly rowId: string
  readonly allRows: readonly Row[]
  readonly closeHref: string
}

/** The row's own page: values, claim, blockers both ways, timeline with diffs, notes, and its moves. */
export function RowDrawer({ table, boardRow, rowId, allRows, closeHref }: Props) {
  const { api, me, nameOf, announce } = useWorkspace()
  const headingRef = useRef<HTMLHeadingElement>(null)
  const titleId = useId()
  // A row on another page of the board (or not yet in the live list) is read directly.
  const direct = useResource(
    (signal) => (boardRow ? Promise.resolve(null) : api.getRow(table.name, rowId, { signal })),
    [api, table.name, rowId, boardRow === null],
  )
  const [fresh, setFresh] = useState<Row | null>(null)
  const candidates = [boardRow, fresh, direct.data].filter((r): r is Row => r !== null && r.id === rowId)
  const row = candidates.reduce<Row | null>((best, r) => (best === null || r.version > best.version ? r : best), null)

  const timeline = useResource(
    async (signal) => {
      const items: DockEvent[] = []
      let since = 0
      for (let i = 0; i < 20; i++) {
        const page = await api.events({ row: rowId, since, limit: 500 }, { signal })
        items.push(...page.items)
        if (page.items.length < 500) break
        since = page.nextSince
      }
      return items
    },
    [api, rowId],
  )
  const [live, setLive] = useState<DockEvent[]>([])
  useEffect(() => setLive([]), [rowId, timeline.data])
  useFeed((e) => {
    if (e.target.kind !== 'row' || e.target.id !== rowId) return
    setLive((prev) => (prev.some((p) => p.revision === e.revision) ? prev : [...prev, e]))
    if (e.type !== 'row.note_added') setFresh(e.after as Row)
  })
  const events = useMemo(() => {
    const seen = new Set<number>()
    return [...(timeline.data ?? []), ...live]
      .filter((e) => (seen.has(e.revision) ? false : (seen.add(e.revision), true)))
      .sort((a, b) => a.revision - b.revision)
  }, [timeline.data, live])
  const notes = events.filter((e) => e.type === 'row.note_added')

  useEffect(() => {
    headingRef.current?.focus()
  }, [rowId])

  const title = row ? rowTitle(row, table) : rowId
  return (
    <aside className="drawer" aria-labelledby={titleId} data-testid="row-drawer" data-row-id={rowId}>
      <header className="drawer-header">
        <h2 id={titleId} ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
        <a href={closeHref} className="drawer-close">
          Close<span className="visually-hidden"> {title}</span>
        </a>
      </header>
      {!row && direct.error && <LoadProblem error={direct.error} onRetry={direct.reload} what="the row" />}
      {!row && !direct.error && (
        <p className="loading" role="status">
          Loading the row…
        </p>
      )}
      {row && (
        <>
          <RowFacts row={row} table={table} allRows={allRows} />
          <RowMoves row={row} table={table} />
          <RowValuesForm key={row.id} row={row} table={table} />
          <section className="drawer-section" aria-labelledby={`${titleId}-notes`}>
            <h3 id={`${titleId}-notes`}>Notes ({notes.length})</h3>
            {notes.length === 0 ? (
              <p className="muted small">No notes yet.</p>
            ) : (
              <ul className="notes" data-testid="notes">
                {notes.map((n) => (
                  <li key={n.revision}>
                    <span className="note-meta small">
                      <strong>{nameOf(n.actor)}</strong> · <time dateTime={n.ts}>{formatTime(n.ts)}</time>
                    </span>
                    <p className="note-text">{String((n.after as { text?: unknown } | null)?.text ?? '')}</p>
                  </li>
                ))}
              </ul>
            )}
            <AddNote table={table.name} rowId={row.id} onAdded={() => announce('Note added')} />
          </section>
          <section className="drawer-section" aria-labelledby={`${titleId}-tl`}>
            <h3 id={`${titleId}-tl`}>Timeline</h3>
            {timeline.error && <LoadProblem error={timeline.error} onRetry={timeline.reload} what="the timeline" />}
            <ol className="timeline" data-testid="row-timeline">
              {events.map((e) => (
                <TimelineItem key={e.revision} event={e} table={table} />
              ))}
            </ol>
          </section>
        </>
      )}
      <p className="small">
        <a href={routeHref('trail', new URLSearchParams({ row: rowId }))}>This row in the trail</a> ·{' '}
        <span className="mono muted">{rowId}</span> · {me.name}
      </p>
    </aside>
  )
}

function RowFacts({
  row,
  table,
  allRows,
}: {
  readonly row: Row
  readonly table: Table
  readonly allRows: readonly Row[]
}) {
  const { nameOf } = useWorkspace()
  const byId = new Map(allRows.map((r) => [r.id, r]))
  const blocking = allRows.filter((r) => r.blockedBy.includes(row.id))
  const maxAttempts = table.workflow.claim?.maxAttempts
  const link = (id: string) => {
    const r = byId.get(id)
    return <a href={rowHref(table.name, id)}>{r ? rowTitle(r, table) : id}</a>
  }
  return (
    <dl className="facts">
      <div>
        <dt>Status</dt>
        <dd>
          <span className="badge" data-testid="drawer-status">
            {row.status}
          </span>
        </dd>
      </div>
      <div>
        <dt>Author</dt>
        <dd>{nameOf(row.author)}</dd>
      </div>
      <div>
        <dt>Claimant</dt>
        <dd data-testid="drawer-owner">{row.owner ? nameOf(row.owner) : <span className="muted">none</span>}</dd>
      </div>
      {row.owner && row.leaseExpiresAt && (
        <div>
          <dt>Lease</dt>
          <dd>
            <LeaseCountdown expiresAt={row.leaseExpiresAt} /> (token {row.fencingToken})
          </dd>
        </div>
      )}
      <div>
        <dt>Attempts</dt>
        <dd>
          {row.attempts}
          {maxAttempts ? ` of ${maxAttempts}` : ''}
        </dd>
      </div>
      <div>
        <dt>Version</dt>
        <dd>
          v{row.version} · rev {row.revision} · by {nameOf(row.updatedBy)}
        </dd>
      </div>
      <div>
        <dt>Waits on</dt>
        <dd>
          {row.blockedBy.length === 0 ? (
            <span className="muted">nothing</span>
          ) : (
            <ul className="inline-list">
              {row.blockedBy.map((id) => (
                <li key={id}>
                  {link(id)} <span className="muted small">({byId.get(id)?.status ?? 'other table'})</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </div>
      <div>
        <dt>Blocks</dt>
        <dd>
          {blocking.length === 0 ? (
            <span className="muted">nothing</span>
          ) : (
            <ul className="inline-list">
              {blocking.map((r) => (
                <li key={r.id}>{link(r.id)}</li>
              ))}
            </ul>
          )}
        </dd>
      </div>
      {row.requiredSkills.length > 0 && (
        <div>
          <dt>Skills</dt>
          <dd>{row.requiredSkills.join(', ')}</dd>
        </div>
      )}
    </dl>
  )
}

/** One `Move to <status>` button per move the principal's roles allow; refusals are shown, not hidden. */
function RowMoves({ row, table }: { readonly row: Row; readonly table: Table }) {
  const { api, me, announce } = useWorkspace()
  const now = useNow(5000)
  const options = moveOptions(table, row, me, now)
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setError(null), [row.id])
  async function move(to: string) {
    setBusy(to)
    setError(null)
    try {
      const token = tokenFor(row, me)
      await api.transition(table.name, row.id, {
        to,
        expectedVersion: row.version,
        ...(token !== undefined ? { fencingToken: token } : {}),
      })
      announce(`Moved to ${to}`)
    } catch (err) {
      setError(
        isDockApiError(err) && err.code === 'version_conflict'
          ? 'The row changed meanwhile; look at its new state and try again.'
          : describeError(err),
      )
    } finally {
      setBusy(null)
    }
  }
  const claim = table.workflow.claim
  const writer = me.roles.includes('member') || me.roles.includes('operator')
  const canClaim = writer && claim !== null && claim.from.includes(row.status) && row.owner === null
  const mine = row.owner === me.id
  async function claimOrRelease() {
    setBusy(mine ? 'release' : 'claim')
    setError(null)
    try {
      // A human works a row the way an agent does: a lease, and the fencing token on every write under it.
      if (mine) await api.release(table.name, row.id, { fencingToken: row.fencingToken })
      else await api.claim(table.name, row.id)
      announce(mine ? 'Released' : 'Claimed')
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(null)
    }
  }
  return (
    <section className="drawer-section moves" aria-label="Moves">
      {(canClaim || mine) && (
        <p>
          <button type="button" disabled={busy !== null} onClick={() => void claimOrRelease()}>
            {mine ? 'Release' : 'Claim'}
          </button>
        </p>
      )}
      {options.length === 0 ? (
        <p className="muted small">No moves from {row.status} are open to you.</p>
      ) : (
        <ul className="move-list">
          {options.map((o) => (
            <li key={o.to}>
              <button
                type="button"
                className={o.refusal ? '' : 'primary'}
                disabled={busy !== null}
                onClick={() => void move(o.to)}
                aria-describedby={o.refusal ? `why-${o.to}` : undefined}
              >
                Move to {o.to}
              </button>
              {o.refusal && (
                <span id={`why-${o.to}`} className="muted small">
                  {' '}
                  The gate will refuse: {o.refusal}.
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}

interface Conflict {
  readonly current: Row
  /** Columns both sides changed to different values: the human picks. */
  readonly clashes: readonly string[]
}

/**
 * Values under a precondition: saved with the version the edit started from.
 * When someone else wrote first, the current values are shown beside the
 * human's, columns only one side changed merge by themselves, and nothing is
 * written until the human saves the merge.
 */
function RowValuesForm({ row, table }: { readonly row: Row; readonly table: Table }) {
  const { api, me, announce } = useWorkspace()
  const id = useId()
  const columns = table.columns.filter((c) => c.name !== table.workflow.statusColumn)
  const canWrite = me.roles.includes('member') || me.roles.includes('operator')
  const heldByOther = row.owner !== null && row.owner !== me.id && !me.roles.includes('operator')
  const [editing, setEditing] = useState(false)
  const [base, setBase] = useState<Row>(row)
  const [draft, setDraft] = useState<Record<string, Draft>>({})
  const [conflict, setConflict] = useState<Conflict | null>(null)
  const [choice, setChoice] = useState<Record<string, 'mine' | 'theirs'>>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  function start() {
    setBase(row)
    setDraft(Object.fromEntries(columns.map((c) => [c.name, toDraft(c, row.values[c.name])])))
    setConflict(null)
    setError(null)
    setEditing(true)
  }

  function changed(from: Row): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const c of columns) {
      const v = fromDraft(c, draft[c.name] ?? '')
      const was = from.values[c.name]
      if (JSON.stringify(v ?? null) !== JSON.stringify(was ?? null)) out[c.name] = v ?? null
    }
    return out
  }

  async function save(e: FormEvent) {
    e.preventDefault()
    setError(null)
    let values: Record<string, unknown>
    try {
      values = changed(base)
    } catch (err) {
      setError(describeError(err))
      return
    }
    if (Object.keys(values).length === 0) {
      setEditing(false)
      return
    }
    setBusy(true)
    try {
      const token = tokenFor(row, me)
      await api.patchRow(table.name, row.id, {
        values,
        expectedVersion: base.version,
        ...(token !== undefined ? { fencingToken: token } : {}),
      })
      announce('Values saved')
      setEditing(false)
      setConflict(null)
    } catch (err) {
      const current =
        isDockApiError(err) && err.code === 'version_conflict' ? (err.current as Row | undefined) : undefined
      if (current && typeof current.version === 'number') {
        const clashes = Object.keys(values).filter(
          (k) =>
            JSON.stringify(current.values[k] ?? null) !== JSON.stringify(base.values[k] ?? null) &&
            JSON.stringify(current.values[k] ?? null) !== JSON.stringify(values[k]),
        )
        // Columns only the other side changed are taken from the current row; the human's own changes stay in the draft.
        setDraft((d) => {
          const next = { ...d }
          for (const c of columns) if (!(c.name in values)) next[c.name] = toDraft(c, current.values[c.name])
          return next
        })
        setChoice(Object.fromEntries(clashes.map((k) => [k, 'mine'])))
        setConflict({ current, clashes })
        setBase(current)
      } else {
        setError(describeError(err))
      }
    } finally {
      setBusy(false)
    }
  }

  function pick(k: string, side: 'mine' | 'theirs', mine: Draft) {
    setChoice((c) => ({ ...c, [k]: side }))
    const col = columns.find((c) => c.name === k)
    if (col && conflict)
      setDraft((d) => ({ ...d, [k]: side === 'theirs' ? toDraft(col, conflict.current.values[k]) : mine }))
  }

  if (!editing) {
    return (
      <section className="drawer-section" aria-labelledby={`${id}-h`}>
        <h3 id={`${id}-h`}>Values</h3>
        <dl className="facts values" data-testid="row-values">
          {columns.map((c) => (
            <div key={c.name}>
              <dt>{c.name}</dt>
              <dd>{show(row.values[c.name])}</dd>
            </div>
          ))}
        </dl>
        {canWrite && (
          <button
            type="button"
            onClick={start}
            disabled={heldByOther}
            aria-describedby={heldByOther ? `${id}-held` : undefined}
          >
            Edit values
          </button>
        )}
        {heldByOther && (
          <span id={`${id}-held`} className="muted small">
            {' '}
            Claimed by someone else: only the claimant or an operator may write.
          </span>
        )}
      </section>
    )
  }
  return (
    <form className="drawer-section" aria-labelledby={`${id}-h`} onSubmit={save}>
      <h3 id={`${id}-h`}>Values</h3>
      {conflict && (
        <div className="conflict" role="alert">
          <p>
            <strong>Someone else saved this row first</strong> (now v{conflict.current.version}, by{' '}
            {conflict.current.updatedBy === me.id ? 'you' : 'another principal'}). Nothing of yours was written.
          </p>
          {conflict.clashes.length === 0 ? (
            <p>Their changes touch other columns and were merged into your edit. Review and save.</p>
          ) : (
            <fieldset>
              <legend>Both changed these columns: choose per column</legend>
              {conflict.clashes.map((k) => (
                <ClashChoice
                  key={k}
                  name={k}
                  theirs={show(conflict.current.values[k])}
                  choice={choice[k] ?? 'mine'}
                  onPick={(side, mine) => pick(k, side, mine)}
                  mine={draft[k] ?? ''}
                />
              ))}
            </fieldset>
          )}
        </div>
      )}
      <ColumnFields idPrefix={id} columns={columns} draft={draft} setDraft={setDraft} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {conflict ? 'Save merged' : 'Save values'}
        </button>
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function ClashChoice({
  name,
  theirs,
  mine,
  choice,
  onPick,
}: {
  readonly name: string
  readonly theirs: string
  readonly mine: Draft
  readonly choice: 'mine' | 'theirs'
  readonly onPick: (side: 'mine' | 'theirs', mine: Draft) => void
}) {
  const [kept] = useState(mine)
  return (
    <div className="clash" data-column={name}>
      <span className="clash-name">{name}</span>
      <label>
        <input
          type="radio"
          name={`clash-${name}`}
          checked={choice === 'theirs'}
          onChange={() => onPick('theirs', kept)}
        />{' '}
        Current: {theirs}
      </label>
      <label>
        <input type="radio" name={`clash-${name}`} checked={choice === 'mine'} onChange={() => onPick('mine', kept)} />{' '}
        Mine: {String(kept)}
      </label>
    </div>
  )
}

function AddNote({
  table,
  rowId,
  onAdded,
}: {
  readonly table: string
  readonly rowId: string
  readonly onAdded: () => void
}) {
  const { api } = useWorkspace()
  const id = useId()
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!text.trim()) return
    setBusy(true)
    setError(null)
    try {
      await api.addNote(table, rowId, text)
      setText('')
      onAdded()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="add-note" onSubmit={submit}>
      <label htmlFor={id}>Add a note</label>
      <textarea id={id} rows={2} value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || !text.trim()}>
        Add note
      </button>
    </form>
  )
}

function TimelineItem({ event: e, table }: { readonly event: DockEvent; readonly table: Table }) {
  const { nameOf } = useWorkspace()
  const s = sentenceOf(e, nameOf)
  const changes =
    e.type === 'row.updated' || e.type === 'row.transitioned' ? valueChanges(e, table.workflow.statusColumn) : []
  return (
    <li data-type={e.type}>
      <span className="muted small">
        <time dateTime={e.ts}>{formatTime(e.ts)}</time> · #{e.revision}
      </span>{' '}
      <span>
        <strong>{s.actor}</strong> {s.verb} {e.type === 'row.note_added' ? '' : 'it'} {s.detail}
      </span>
      {changes.length > 0 && (
        <ul className="diff">
          {changes.map((c) => (
            <li key={c.key}>
              <span className="diff-key">{c.key}</span>: <del>{show(c.before)}</del> → <ins>{show(c.after)}</ins>
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}
