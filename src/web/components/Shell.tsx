import { useEffect, useRef } from 'react'
import { useHashRoute } from '../hooks/useHashRoute.js'
import { AppHeader } from './AppHeader.js'
import { MainNav } from './MainNav.js'
import { FeedProblemBanner } from './FeedProblemBanner.js'
import { BoardView } from '../views/BoardView.js'
import { DocsView } from '../views/DocsView.js'
import { TrailView } from '../views/TrailView.js'
import { SwimlanesView } from '../views/SwimlanesView.js'
import { AgentsView } from '../views/AgentsView.js'

const TITLES = { board: 'Board', docs: 'Docs', trail: 'Trail', swimlanes: 'Swimlanes', agents: 'Agents' } as const

/** Page frame: header, navigation, and the routed view. */
export function Shell() {
  const route = useHashRoute()
  const mainRef = useRef<HTMLElement>(null)
  const first = useRef(true)

  useEffect(() => {
    document.title = `${TITLES[route.view]} · Dock`
    // Move focus to the new view on navigation (not on first load) so keyboard and screen-reader users land there.
    if (first.current) {
      first.current = false
      return
    }
    mainRef.current?.focus()
  }, [route.view])

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus() }}>Skip to content</a>
      <AppHeader />
      <MainNav current={route.view} />
      <FeedProblemBanner />
      <main id="main" ref={mainRef} tabIndex={-1} aria-label={TITLES[route.view]}>
        {route.view === 'board' && <BoardView tableName={route.param} />}
        {route.view === 'docs' && <DocsView docId={route.param} />}
        {route.view === 'trail' && <TrailView />}
        {route.view === 'swimlanes' && <SwimlanesView />}
        {route.view === 'agents' && <AgentsView />}
      </main>
    </div>
  )
}
