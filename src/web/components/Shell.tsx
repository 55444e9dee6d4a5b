import { lazy, Suspense, useEffect, useRef } from 'react'
import { useHashRoute, type View } from '../hooks/useHashRoute.js'
import { useInbox } from '../hooks/useInbox.js'
import { AppHeader } from './AppHeader.js'
import { MainNav } from './MainNav.js'
import { FeedProblemBanner } from './FeedProblemBanner.js'
import { BoardView } from '../views/BoardView.js'
import { HealthView } from '../views/HealthView.js'
import { InboxView } from '../views/InboxView.js'

// Views other than the home, board and inbox load on first visit (the docs view brings the markdown renderer).
const DocsView = lazy(() => import('../views/DocsView.js').then((m) => ({ default: m.DocsView })))
const TrailView = lazy(() => import('../views/TrailView.js').then((m) => ({ default: m.TrailView })))
const SwimlanesView = lazy(() => import('../views/SwimlanesView.js').then((m) => ({ default: m.SwimlanesView })))
const AgentsView = lazy(() => import('../views/AgentsView.js').then((m) => ({ default: m.AgentsView })))
const DeadLetterView = lazy(() => import('../views/DeadLetterView.js').then((m) => ({ default: m.DeadLetterView })))

const TITLES: Record<View, string> = {
  health: 'Crew health',
  board: 'Board',
  inbox: 'Review inbox',
  docs: 'Docs',
  trail: 'Trail',
  swimlanes: 'Swimlanes',
  agents: 'Agents',
  dead: 'Dead letter',
}

/** Page frame: header, navigation, and the routed view. */
export function Shell() {
  const route = useHashRoute()
  const inbox = useInbox()
  const mainRef = useRef<HTMLElement>(null)
  // The view focus was last settled for. Compared with the route rather than kept as a "first run"
  // flag, so an effect that runs again for the same view (React StrictMode mounts, unmounts and
  // mounts again in development) does not count as a navigation and steal focus on first load.
  const shownView = useRef(route.view)

  useEffect(() => {
    document.title = `${TITLES[route.view]} · Dock`
    // Move focus to the new view on navigation (not on first load) so keyboard and screen-reader users land there.
    if (shownView.current === route.view) return
    shownView.current = route.view
    mainRef.current?.focus()
  }, [route.view])

  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault()
          mainRef.current?.focus()
        }}
      >
        Skip to content
      </a>
      <AppHeader />
      <MainNav current={route.view} inboxCount={inbox.data?.length ?? null} />
      <FeedProblemBanner />
      <main id="main" ref={mainRef} tabIndex={-1} aria-label={TITLES[route.view]}>
        <Suspense
          fallback={
            <p className="loading" role="status">
              Loading…
            </p>
          }
        >
          {route.view === 'health' && <HealthView />}
          {route.view === 'board' && <BoardView route={route} />}
          {route.view === 'inbox' && <InboxView inbox={inbox} />}
          {route.view === 'docs' && <DocsView docId={route.param} />}
          {route.view === 'trail' && <TrailView query={route.query} />}
          {route.view === 'swimlanes' && <SwimlanesView />}
          {route.view === 'agents' && <AgentsView />}
          {route.view === 'dead' && <DeadLetterView />}
        </Suspense>
      </main>
    </div>
  )
}
