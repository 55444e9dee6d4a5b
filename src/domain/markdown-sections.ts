import { DockError } from './errors.js'

/**
 * Splits markdown into sections at ATX headings (`#` … `######`). Content
 * before the first heading is the preamble (key `_preamble`, level 0). Headings
 * inside fenced code blocks do not split.
 */
export interface ParsedSection {
  readonly key: string
  readonly heading: string
  readonly level: number
  readonly body: string
}

export const PREAMBLE_KEY = '_preamble'

const HEADING = /^(#{1,6})[ \t]+(.*?)[ \t#]*$/
const FENCE = /^\s*(```|~~~)/

/**
 * A section body must stay inside its section when the doc is rendered back to
 * markdown (`renderSections`) and parsed again: a heading line outside a fence
 * would start a section of its own, and an unclosed fence would swallow the
 * headings of every section after it. Either would forge the doc's structure in
 * the export, so such bodies are refused (invalid_input, `details.reason`), not
 * escaped: escaping would store text other than what the writer sent.
 */
export function checkSectionBody(body: string): void {
  let inFence = false
  for (const [i, line] of body.replace(/\r\n?/g, '\n').split('\n').entries()) {
    if (FENCE.test(line)) inFence = !inFence
    else if (!inFence && HEADING.test(line)) {
      throw new DockError(
        'invalid_input',
        `section body line ${i + 1} is a heading; write a new section for it instead`,
        {
          details: { reason: 'heading_in_section_body', line: i + 1 },
        },
      )
    }
  }
  if (inFence) {
    throw new DockError('invalid_input', 'section body opens a code fence it does not close', {
      details: { reason: 'unclosed_code_fence' },
    })
  }
}

export function parseSections(markdown: string): ParsedSection[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const sections: { heading: string; level: number; lines: string[] }[] = [{ heading: '', level: 0, lines: [] }]
  let inFence = false
  for (const line of lines) {
    if (FENCE.test(line)) inFence = !inFence
    const m = inFence ? null : HEADING.exec(line)
    if (m !== null) {
      sections.push({ heading: (m[2] ?? '').trim(), level: (m[1] ?? '#').length, lines: [] })
    } else {
      sections[sections.length - 1]!.lines.push(line)
    }
  }
  const used = new Set<string>()
  const out: ParsedSection[] = []
  for (const [i, s] of sections.entries()) {
    const body = trimBlankEdges(s.lines.join('\n'))
    if (i === 0 && body === '') continue
    const key = i === 0 ? PREAMBLE_KEY : uniqueKey(slugify(s.heading), used)
    used.add(key)
    out.push({ key, heading: s.heading, level: s.level, body })
  }
  return out
}

export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
  return slug === '' ? 'section' : slug
}

export function uniqueKey(base: string, used: ReadonlySet<string>): string {
  if (!used.has(base)) return base
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`
    if (!used.has(candidate)) return candidate
  }
}

export function renderSections(sections: readonly { heading: string; level: number; body: string }[]): string {
  const parts: string[] = []
  for (const s of sections) {
    const head = s.level === 0 ? '' : `${'#'.repeat(s.level)} ${s.heading}`
    parts.push([head, s.body].filter((p) => p !== '').join('\n\n'))
  }
  return parts.join('\n\n') + '\n'
}

function trimBlankEdges(text: string): string {
  return text.replace(/^\s*\n/, '').replace(/\s+$/, '')
}
