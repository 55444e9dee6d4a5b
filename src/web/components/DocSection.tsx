import { createElement, useId, useMemo, useState } from 'react'
import type { Section } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { renderMarkdown } from '../lib/markdown.js'
import { formatTime } from '../lib/time.js'
import { SectionHistory } from './SectionHistory.js'

/** One section: its heading, rendered body (raw HTML escaped), and who last wrote it. */
export function DocSection({ docId, section }: { readonly docId: string; readonly section: Section }) {
  const { nameOf } = useWorkspace()
  const [showHistory, setShowHistory] = useState(false)
  const historyId = useId()
  const html = useMemo(() => renderMarkdown(section.body), [section.body])
  const level = Math.min(6, Math.max(3, section.level + 2))
  return (
    <section className="doc-section" data-section={section.key}>
      {section.level > 0 && createElement(`h${level}`, { className: 'section-heading' }, section.heading)}
      <p className="section-meta muted small">
        <span data-testid="section-editor">{nameOf(section.editedBy)}</span> · <time dateTime={section.editedAt}>{formatTime(section.editedAt)}</time> · v{section.version}
        {section.lane && <> · lane: {nameOf(section.lane)}</>}
        {' '}
        <button
          type="button"
          className="link-button"
          aria-expanded={showHistory}
          aria-controls={historyId}
          onClick={() => setShowHistory((v) => !v)}
        >
          {showHistory ? 'Hide history' : 'History'}<span className="visually-hidden"> of {section.heading || 'preamble'}</span>
        </button>
      </p>
      <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />
      <div id={historyId}>{showHistory && <SectionHistory docId={docId} sectionKey={section.key} version={section.version} />}</div>
    </section>
  )
}
