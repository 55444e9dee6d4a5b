/**
 * Markdown to HTML for doc sections, with raw HTML disabled: HTML blocks and inline
 * tags are rendered as escaped text, and links/images only keep safe URL schemes.
 */
import { Marked } from 'marked'

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

export function safeUrl(href: string): string | null {
  const trimmed = href.trim()
  // Relative URLs and fragments are fine; absolute ones must use a safe scheme.
  // Browsers ignore control characters and spaces inside a scheme (`java\0script:`), so they are stripped before the check.
  // eslint-disable-next-line no-control-regex
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed.replace(/[\u0000-\u0020]/g, ''))
  if (!scheme) return trimmed
  return ['http', 'https', 'mailto'].includes(scheme[1]!.toLowerCase()) ? trimmed : null
}

const md = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html({ text }) {
      return escapeHtml(text)
    },
    link({ href, title, tokens }) {
      const inner = this.parser.parseInline(tokens)
      const url = safeUrl(href)
      if (url === null) return inner
      const t = title ? ` title="${escapeHtml(title)}"` : ''
      return `<a href="${escapeHtml(url)}"${t} rel="noopener noreferrer nofollow">${inner}</a>`
    },
    image({ href, title, text }) {
      const url = safeUrl(href)
      if (url === null) return escapeHtml(text)
      const t = title ? ` title="${escapeHtml(title)}"` : ''
      return `<img src="${escapeHtml(url)}" alt="${escapeHtml(text)}"${t} loading="lazy">`
    },
  },
})

export function renderMarkdown(src: string): string {
  return md.parse(src, { async: false }) as string
}
