import type { Doc } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { formatTime } from '../lib/time.js'
import { DocSection } from './DocSection.js'

export function DocArticle({ doc }: { readonly doc: Doc }) {
  const { nameOf } = useWorkspace()
  return (
    <article className="doc" aria-labelledby="doc-title">
      <header className="doc-header">
        <h2 id="doc-title">{doc.title}</h2>
        <p className="muted small">
          v{doc.version} · rev {doc.revision} · last change by {nameOf(doc.updatedBy)}, {formatTime(doc.updatedAt)}
          {doc.lock && <> · <span className="badge">locked by {nameOf(doc.lock.owner)}</span></>}
        </p>
      </header>
      {doc.sections.length === 0 && <p className="empty">This doc is empty.</p>}
      {doc.sections.map((s) => (
        <DocSection key={s.key} docId={doc.id} section={s} />
      ))}
    </article>
  )
}
