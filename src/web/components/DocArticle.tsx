import type { Doc } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { formatTime } from '../lib/time.js'
import { DocSection } from './DocSection.js'

export function DocArticle({ doc }: { readonly doc: Doc }) {
  const { nameOf } = useWorkspace()
  const live = doc.lock !== null && Date.parse(doc.lock.expiresAt) > Date.now()
  return (
    <article className="doc" aria-labelledby="doc-title">
      <header className="doc-header">
        <h2 id="doc-title">{doc.title}</h2>
        <p className="muted small">
          v{doc.version} · rev {doc.revision} · last change by {nameOf(doc.updatedBy)}, {formatTime(doc.updatedAt)}
          {doc.lock && live && (
            <>
              {' '}
              ·{' '}
              <span className="badge" data-testid="doc-lock">
                locked by {nameOf(doc.lock.owner)} until {formatTime(doc.lock.expiresAt)}
              </span>
            </>
          )}
        </p>
      </header>
      {doc.sections.length > 1 && (
        <nav className="outline" aria-label="Outline">
          <ol>
            {doc.sections
              .filter((s) => s.level > 0)
              .map((s) => (
                <li key={s.key} style={{ marginInlineStart: `${Math.max(0, s.level - 1) * 0.8}rem` }}>
                  <a
                    href={`#section-${s.key}`}
                    onClick={(e) => {
                      e.preventDefault()
                      document.getElementById(`section-${s.key}`)?.scrollIntoView()
                    }}
                  >
                    {s.heading}
                  </a>
                  {s.lane && <span className="muted small"> · lane {nameOf(s.lane)}</span>}
                </li>
              ))}
          </ol>
        </nav>
      )}
      {doc.sections.length === 0 && <p className="empty">This doc is empty.</p>}
      {doc.sections.map((s) => (
        <DocSection key={s.key} doc={doc} section={s} />
      ))}
    </article>
  )
}
