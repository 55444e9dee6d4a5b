import type { FeedStatus } from '../lib/dock.js'

const LABELS: Record<FeedStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  stopped: 'Offline',
}

export function FeedStatusBadge({ status }: { readonly status: FeedStatus }) {
  return (
    <span className={`badge feed feed-${status}`} data-testid="feed-status" data-status={status} title="Change feed">
      <span className="dot" aria-hidden="true" />
      {LABELS[status]}
    </span>
  )
}
