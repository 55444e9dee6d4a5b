import type { DocSummary } from '../../client/api-types.js'
import type { DockEvent } from '../../domain/types.js'
import { EventItem } from './EventItem.js'

interface Props {
  readonly events: readonly DockEvent[]
  readonly docs?: readonly DocSummary[]
  readonly onTimeTravel?: ((table: string, revision: number) => void) | undefined
}

export function EventList({ events, docs, onTimeTravel }: Props) {
  if (events.length === 0) return <p className="empty">No events match.</p>
  const titles = new Map((docs ?? []).map((d) => [d.id, d.title]))
  const docTitle = (id: string) => titles.get(id) ?? id
  return (
    <ol className="event-list" aria-label="Events, newest first" data-testid="event-list">
      {events.map((e) => (
        <EventItem key={e.revision} event={e} docTitle={docTitle} onTimeTravel={onTimeTravel} />
      ))}
    </ol>
  )
}
