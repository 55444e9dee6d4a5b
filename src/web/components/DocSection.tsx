import { createElement, useId, useMemo, useState, type FormEvent } from 'react'
import { isDockApiError } from '../../client/dock-api-error.js'
import { isMergeConflictError } from '../../client/merge-conflict-error.js'
import type { Doc, Section } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { describeError } from '../lib/dock.js'
import { renderMarkdown } from '../lib/markdown.js'
import { formatTime } from '../lib/time.js'
import { SectionHistory } from './SectionHistory.js'

interface Clash {
  readonly theirs: string
  readonly version: number
}

/**
 * One section: heading, rendered body (raw HTML escaped), who last wrote it,
 * its lane owner, and `Edit`. A save carries the version the edit started
 * from; when someone wrote in between, the SDK's three-way merge folds both
 * edits together if they touch different lines, and otherwise nothing is
 * written: both texts are shown and the human's stays in the box.
 */
export function DocSection({ doc, section }: { readonly doc: Doc; readonly section: Section }) {
  const { api, me, nameOf, announce } = useWorkspace()
  const [showHistory, setShowHistory] = useState(false)
  const [editing, setEditing] = useState<{ base: string; version: number } | null>(null)
  const [text, setText] = useState('')
  const [clash, setClash] = useState<Clash | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const historyId = useId()
  const headingId = useId()
  const editId = useId()
  const html = useMemo(() => renderMarkdown(section.body), [section.body])
  const level = Math.min(6, Math.max(3, section.level + 2))
  const label = section.heading || 'Preamble'
  const canWrite =
    (me.roles.includes('member') || me.roles.includes('operator')) &&
    (section.lane === null || section.lane === me.id || me.roles.includes('operator'))
  const lockedByOther = doc.lock !== null && doc.lock.owner !== me.id && Date.parse(doc.lock.expiresAt) > Date.now()

  function start() {
    setEditing({ base: section.body, version: section.version })
    setText(section.body)
    setClash(null)
    setMessage(null)
    setError(null)
  }

  async function save(e: FormEvent) {
    e.preventDefault()
    if (!editing) return
    setBusy(true)
    setError(null)
    try {
      const res = await api.writeSectionMerging(doc.id, section.key, editing.base, text, {
        expectedVersion: editing.version,
      })
      const merged = res.section.version > editing.version + 1
      setEditing(null)
      setClash(null)
      setMessage(merged ? `Saved, merged with an edit made meanwhile (now v${res.section.version}).` : null)
      announce(merged ? `${label} saved and merged with a concurrent edit` : `${label} saved`)
    } catch (err) {
      if (isMergeConflictError(err)) {
        // Rebase onto what is stored now: the next Save is checked against that version, never a blind overwrite.
        const version = err.currentVersion ?? (await api.getSection(doc.id, section.key)).version
        setClash({ theirs: err.current, version })
        setEditing({ base: err.current, version })
      } else if (isDockApiError(err) && err.code === 'lane_owned') {
        setError(`Only the lane owner or an operator may write this section: ${err.message}`)
      } else {
        setError(describeError(err))
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <section
      className="doc-section"
      data-section={section.key}
      id={`section-${section.key}`}
      aria-labelledby={section.level > 0 ? headingId : undefined}
    >
      {section.level > 0 &&
        createElement(`h${level}`, { className: 'section-heading', id: headingId }, section.heading)}
      <p className="section-meta muted small">
        <span data-testid="section-editor">{nameOf(section.editedBy)}</span> ·{' '}
        <time dateTime={section.editedAt}>{formatTime(section.editedAt)}</time> · v{section.version}
        {section.lane && (
          <>
            {' '}
            · <span data-testid="section-lane">lane: {nameOf(section.lane)}</span>
          </>
        )}{' '}
        <button
          type="button"
          className="link-button"
          aria-expanded={showHistory}
          aria-controls={historyId}
          onClick={() => setShowHistory((v) => !v)}
        >
          {showHistory ? 'Hide history' : 'History'}
          <span className="visually-hidden"> of {label}</span>
        </button>
        {canWrite && !editing && (
          <>
            {' '}
            <button
              type="button"
              className="link-button"
              onClick={start}
              disabled={lockedByOther}
              title={lockedByOther ? `Locked by ${nameOf(doc.lock?.owner)}` : undefined}
            >
              Edit<span className="visually-hidden"> {label}</span>
            </button>
          </>
        )}
      </p>
      {message && (
        <p className="ok small" role="status">
          {message}
        </p>
      )}
      {editing ? (
        <form className="section-edit" onSubmit={save}>
          {clash && (
            <div className="conflict" role="alert">
              <p>
                <strong>Someone changed the same lines meanwhile</strong> (now v{clash.version}). Nothing of yours was
                written; your text is still in the box. Their version:
              </p>
              <pre className="theirs">{clash.theirs}</pre>
              <p className="small">
                Fold what you need from theirs into yours, then Save: it will be checked against v{clash.version}.
              </p>
            </div>
          )}
          <label htmlFor={editId} className="visually-hidden">
            {label}
          </label>
          <textarea
            id={editId}
            rows={Math.min(20, Math.max(4, text.split('\n').length + 1))}
            value={text}
            onChange={(e) => setText(e.target.value)}
            className="mono"
          />
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy}>
              Save<span className="visually-hidden"> {label}</span>
            </button>
            <button
              type="button"
              onClick={() => {
                setEditing(null)
                setClash(null)
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />
      )}
      {error && !editing && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div id={historyId}>
        {showHistory && <SectionHistory docId={doc.id} sectionKey={section.key} version={section.version} />}
      </div>
    </section>
  )
}
