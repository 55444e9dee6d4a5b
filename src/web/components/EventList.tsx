import type { DockEvent } from '../../domain/types.js'
import { EventItem } from './EventItem.js'

interface Props {
  readonly events: readonly DockEvent[]
  readonly onTimeTravel?: ((table: string, revision: number) => void) | undefined
}

export function EventList({ events, onTimeTravel }: Props) {
  if (events.length === 0) return <p className="empty">No events match.</p>
  return (
    <ol className="event-list" aria-label="Events, newest first" data-testid="event-list">
      {events.map((e) => <EventItem key={e.revision} event={e} onTimeTravel={onTimeTravel} />)}
    </ol>
  )
}
