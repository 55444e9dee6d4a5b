import { routeHref, VIEWS, type View } from '../hooks/useHashRoute.js'

const LABELS: Record<View, string> = {
  health: 'Health',
  board: 'Board',
  inbox: 'Inbox',
  docs: 'Docs',
  trail: 'Trail',
  swimlanes: 'Swimlanes',
  agents: 'Agents',
  dead: 'Dead letter',
}

export function MainNav({ current, inboxCount }: { readonly current: View; readonly inboxCount: number | null }) {
  return (
    <nav className="main-nav" aria-label="Views">
      <ul>
        {VIEWS.map((v) => (
          <li key={v}>
            <a href={routeHref(v)} aria-current={v === current ? 'page' : undefined}>
              {LABELS[v]}
              {v === 'inbox' && inboxCount !== null && inboxCount > 0 && (
                <span className="nav-count" data-testid="inbox-count">
                  {' '}
                  {inboxCount}
                  <span className="visually-hidden"> waiting</span>
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
