import type { Doc } from '../domain/types.js'
import { renderTable } from './format.js'
import type { Names } from './names.js'

/** The doc back as markdown, from its sections (the preamble has level 0 and no heading line). */
export function renderMarkdown(doc: Doc): string {
  return doc.sections
    .map((s) => {
      const body = s.body.replace(/^\n+|\n+$/g, '')
      const heading = s.level > 0 ? `${'#'.repeat(s.level)} ${s.heading}` : ''
      return [heading, body].filter((part) => part !== '').join('\n\n')
    })
    .filter((part) => part !== '')
    .join('\n\n')
}

export async function renderSections(doc: Doc, names: Names): Promise<string> {
  await names.loadPrincipals(doc.sections.flatMap((s) => [s.editedBy, s.lane]))
  const head = `${doc.title} (${doc.id}), v${doc.version}${doc.lock === null ? '' : `, locked by ${names.principal(doc.lock.owner)} until ${doc.lock.expiresAt}`}\n`
  return (
    head +
    renderTable(
      ['key', 'heading', 'v', 'edited by', 'edited at', 'lane'],
      doc.sections.map((s) => [
        s.key,
        `${'#'.repeat(s.level)} ${s.heading}`.trim(),
        s.version,
        names.principal(s.editedBy),
        s.editedAt,
        s.lane === null ? null : names.principal(s.lane),
      ]),
    )
  )
}

export function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`
}
