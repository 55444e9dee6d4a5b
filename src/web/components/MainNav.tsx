import { routeHref, VIEWS, type View } from '../hooks/useHashRoute.js'

const LABELS: Record<View, string> = { board: 'Board', docs: 'Docs', trail: 'Trail', swimlanes: 'Swimlanes', agents: 'Agents' }

export function MainNav({ current }: { readonly current: View }) {
  return (
    <nav className="main-nav" aria-label="Views">
      <ul>
        {VIEWS.map((v) => (
          <li key={v}>
            <a href={routeHref(v)} aria-current={v === current ? 'page' : undefined}>{LABELS[v]}</a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
