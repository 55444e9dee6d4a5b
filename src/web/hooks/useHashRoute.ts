import { useEffect, useState } from 'react'

export type View = 'health' | 'board' | 'inbox' | 'docs' | 'trail' | 'swimlanes' | 'agents' | 'dead'
export const VIEWS: readonly View[] = ['health', 'board', 'inbox', 'docs', 'trail', 'swimlanes', 'agents', 'dead']

export interface Route {
  readonly view: View
  /** Table name for the board, doc id for docs. */
  readonly param: string | null
  /** Path segments after the view: `#/board/<table>/<rowId>` → [table, rowId]. */
  readonly parts: readonly string[]
  /** `?…` after the path: the board's filters live here, so a filtered board is a link. */
  readonly query: URLSearchParams
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '')
  const q = raw.indexOf('?')
  const path = q === -1 ? raw : raw.slice(0, q)
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((p) => safeDecode(p))
  const view = (VIEWS as readonly string[]).includes(parts[0] ?? '') ? (parts[0] as View) : 'health'
  return {
    view,
    param: parts[1] ?? null,
    parts: parts.slice(1),
    query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)),
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

export function routeHref(view: View, ...rest: (string | null | undefined | URLSearchParams)[]): string {
  let query = ''
  const segs: string[] = []
  for (const r of rest) {
    if (r instanceof URLSearchParams) query = r.toString()
    else if (r) segs.push(encodeURIComponent(r))
  }
  return `#/${view}${segs.length ? `/${segs.join('/')}` : ''}${query ? `?${query}` : ''}`
}

/** The drawer of one row: its own URL, so it can be linked, reloaded and navigated back from. */
export function rowHref(table: string, id: string, query?: URLSearchParams): string {
  return routeHref('board', table, id, query ?? null)
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash))
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}
