import { useEffect, useState } from 'react'
import type { Doc, DockEvent } from '../../domain/types.js'
import type { DocSummary } from '../../client/api-types.js'
import { describeError } from '../lib/dock.js'
import { routeHref } from '../hooks/useHashRoute.js'
import { useFeed, useWorkspace } from '../hooks/useWorkspace.js'
import { DocArticle } from '../components/DocArticle.js'

function docIdOf(e: DockEvent): string | null {
  if (!e.type.startsWith('doc.')) return null
  return e.target.doc ?? e.target.id
}

/** Docs list and the open doc, re-read whenever the feed reports a write to it. */
export function DocsView({ docId }: { readonly docId: string | null }) {
  const { api, announce, nameOf, epoch } = useWorkspace()
  const [docs, setDocs] = useState<readonly DocSummary[] | null>(null)
  const [doc, setDoc] = useState<Doc | null>(null)
  const [error, setError] = useState<string | null>(null)
  const selected = docId ?? docs?.[0]?.id ?? null

  useEffect(() => {
    let cancelled = false
    setError(null)
    api.listDocs().then(
      (d) => {
        if (!cancelled) setDocs(d)
      },
      (err) => {
        if (!cancelled) setError(describeError(err))
      },
    )
    return () => {
      cancelled = true
    }
  }, [api, epoch])

  useEffect(() => {
    if (!selected) return
    let cancelled = false
    setDoc((d) => (d && d.id === selected ? d : null))
    api.getDoc(selected).then(
      (d) => {
        if (!cancelled) setDoc(d)
      },
      (err) => {
        if (!cancelled) setError(describeError(err))
      },
    )
    return () => {
      cancelled = true
    }
  }, [api, selected, epoch])

  useFeed((e) => {
    const id = docIdOf(e)
    if (!id) return
    // Versions in the list move with every write, so re-read the (body-less) list too.
    void api.listDocs().then(setDocs, () => undefined)
    if (doc && (id === doc.id || id === doc.title)) {
      void api.getDoc(doc.id).then(
        (d) => {
          setDoc(d)
          const what = e.target.section ? `Section ${e.target.section}` : d.title
          announce(`${what} updated by ${nameOf(e.actor)}`)
        },
        () => undefined,
      )
    }
  })

  return (
    <div className="docs-view">
      <div className="view-toolbar">
        <h1>Docs</h1>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="docs-layout">
        <nav className="doc-list" aria-label="Documents">
          {docs && docs.length === 0 && <p className="empty">No docs yet.</p>}
          <ul>
            {docs?.map((d) => (
              <li key={d.id}>
                <a href={routeHref('docs', d.id)} aria-current={d.id === selected ? 'page' : undefined}>
                  {d.title}
                  <span className="muted small"> v{d.version}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="doc-pane">
          {selected && !doc && !error && (
            <p className="loading" role="status">
              Loading…
            </p>
          )}
          {doc && <DocArticle doc={doc} />}
        </div>
      </div>
    </div>
  )
}
