import { useId, useRef, useState, type KeyboardEvent } from 'react'
import type { InboxItem } from '../hooks/useInbox.js'
import type { Resource } from '../hooks/useResource.js'
import { rowHref } from '../hooks/useHashRoute.js'
import { useNow } from '../hooks/useNow.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { describeError } from '../lib/dock.js'
import { rowTitle } from '../lib/rows.js'
import { formatDuration } from '../lib/time.js'
import { LoadProblem, StaleNote } from '../components/LoadProblem.js'

/**
 * Rows waiting for this principal's approval. Approve is one click; Send back
 * takes a reason (kept as a note on the row) and one click. Keys: j/k move
 * between rows, a approves, s goes to the reason box.
 */
export function InboxView({ inbox }: { readonly inbox: Resource<InboxItem[]> }) {
  const items = inbox.data ?? []
  const listRef = useRef<HTMLOListElement>(null)
  const keysId = useId()

  function onKey(e: KeyboardEvent<HTMLOListElement>) {
    if ((e.target as HTMLElement).tagName === 'TEXTAREA' || e.altKey || e.ctrlKey || e.metaKey) return
    const cards = [...(listRef.current?.querySelectorAll<HTMLElement>('li.inbox-item') ?? [])]
    const at = cards.findIndex((c) => c.contains(document.activeElement))
    const focusCard = (i: number) => cards[Math.max(0, Math.min(cards.length - 1, i))]?.focus()
    if (e.key === 'j') {
      e.preventDefault()
      focusCard(at + 1)
    } else if (e.key === 'k') {
      e.preventDefault()
      focusCard(at - 1)
    } else if (e.key === 'a' && at >= 0) {
      e.preventDefault()
      cards[at]?.querySelector<HTMLButtonElement>('button[data-action="approve"]')?.click()
    } else if (e.key === 's' && at >= 0) {
      e.preventDefault()
      cards[at]?.querySelector<HTMLTextAreaElement>('textarea')?.focus()
    }
  }

  return (
    <div className="inbox-view">
      <div className="view-toolbar">
        <h1>Review inbox</h1>
        <span className="muted small">{items.length} waiting for you</span>
        <StaleNote stale={inbox.stale} />
      </div>
      <p id={keysId} className="muted small">
        Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous, <kbd>a</kbd> approve, <kbd>s</kbd> write a send-back reason.
      </p>
      {inbox.error && <LoadProblem error={inbox.error} onRetry={inbox.reload} what="the inbox" />}
      {inbox.loading && !inbox.data && (
        <p className="loading" role="status">
          Loading…
        </p>
      )}
      {inbox.data && items.length === 0 && <p className="empty">Nothing waits for your review.</p>}
      {items.length > 0 && (
        <ol className="inbox" ref={listRef} onKeyDown={onKey} aria-describedby={keysId} data-testid="inbox">
          {items.map((item) => (
            <InboxEntry key={item.row.id} item={item} onDone={inbox.reload} />
          ))}
        </ol>
      )}
    </div>
  )
}

function InboxEntry({ item, onDone }: { readonly item: InboxItem; readonly onDone: () => void }) {
  const { api, nameOf, announce } = useWorkspace()
  const now = useNow(30_000)
  const id = useId()
  const { table, row } = item
  const title = rowTitle(row, table)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function act(to: string, note: string | null) {
    setBusy(true)
    setError(null)
    try {
      // The reason goes in first: whoever picks the row up again finds it there.
      if (note) await api.addNote(table.name, row.id, note)
      await api.transition(table.name, row.id, { to, expectedVersion: row.version })
      announce(`${title} moved to ${to}`)
      setReason('')
      onDone()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <li className="inbox-item panel" tabIndex={-1} aria-labelledby={`${id}-t`} data-row-id={row.id}>
      <h2 id={`${id}-t`} className="card-title">
        <a href={rowHref(table.name, row.id)}>{title}</a>
      </h2>
      <p className="muted small">
        {table.name} · {row.status} · by {nameOf(row.author)} · waiting{' '}
        {formatDuration(now - Date.parse(row.updatedAt))}
      </p>
      <div className="inbox-actions">
        {item.approve && (
          <button
            type="button"
            className="primary"
            data-action="approve"
            disabled={busy}
            onClick={() => void act(item.approve!, null)}
          >
            Approve<span className="visually-hidden"> {title}</span>
          </button>
        )}
        {item.sendBack && (
          <span className="send-back">
            <label htmlFor={`${id}-r`} className="visually-hidden">
              Reason for sending back {title}
            </label>
            <textarea
              id={`${id}-r`}
              rows={1}
              placeholder="Why send it back?"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <button
              type="button"
              disabled={busy || !reason.trim()}
              onClick={() => void act(item.sendBack!, reason.trim())}
            >
              Send back<span className="visually-hidden"> {title}</span>
            </button>
          </span>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  )
}
