import { useEffect, useState } from 'react'

export type View = 'board' | 'docs' | 'trail' | 'swimlanes' | 'agents'
export const VIEWS: readonly View[] = ['board', 'docs', 'trail', 'swimlanes', 'agents']

export interface Route {
  readonly view: View
  /** Table name for the board, doc id for docs. */
  readonly param: string | null
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map((p) => decodeURIComponent(p))
  const view = (VIEWS as readonly string[]).includes(parts[0] ?? '') ? (parts[0] as View) : 'board'
  return { view, param: parts[1] ?? null }
}

export function routeHref(view: View, param?: string | null): string {
  return `#/${view}${param ? `/${encodeURIComponent(param)}` : ''}`
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
