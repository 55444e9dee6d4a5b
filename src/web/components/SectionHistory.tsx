import { useEffect, useState } from 'react'
import type { DockEvent, Section } from '../../domain/types.js'
import { describeError } from '../lib/dock.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { formatTime } from '../lib/time.js'

function sectionOf(e: DockEvent, key: string): Partial<Section> | null {
  const after = e.after as ({ sections?: Section[] } & Partial<Section>) | null
  if (!after) return null
  if (Array.isArray(after.sections)) return after.sections.find((s) => s.key === key) ?? null
  return after
}

/** The log's writes to one section, newest first, each with its body at that point. */
export function SectionHistory({
  docId,
  sectionKey,
  version,
}: {
  readonly docId: string
  readonly sectionKey: string
  readonly version: number
}) {
  const { api, nameOf } = useWorkspace()
  const [items, setItems] = useState<readonly DockEvent[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    api.sectionHistory(docId, sectionKey).then(
      (i) => {
        if (!cancelled) setItems(i)
      },
      (err) => {
        if (!cancelled) setError(describeError(err))
      },
    )
    return () => {
      cancelled = true
    }
  }, [api, docId, sectionKey, version])

  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    )
  if (!items)
    return (
      <p className="loading" role="status">
        Loading history…
      </p>
    )
  if (items.length === 0) return <p className="muted small">No recorded writes.</p>
  return (
    <ol className="section-history" aria-label="Section history, newest first">
      {[...items].reverse().map((e) => {
        const s = sectionOf(e, sectionKey)
        return (
          <li key={e.revision}>
            <details>
              <summary>
                {s?.version !== undefined ? `v${s.version}` : e.type} · {nameOf(e.actor)} · {formatTime(e.ts)} · rev{' '}
                {e.revision}
              </summary>
              <pre className="history-body">
                {typeof s?.body === 'string' ? s.body : JSON.stringify(e.after, null, 2)}
              </pre>
            </details>
          </li>
        )
      })}
    </ol>
  )
}
