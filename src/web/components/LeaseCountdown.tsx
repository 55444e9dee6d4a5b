import { useNow } from '../hooks/useNow.js'
import { formatRemaining, formatTime } from '../lib/time.js'

/** Time left on a lease, ticking each second. role=timer keeps screen readers from announcing every tick. */
export function LeaseCountdown({ expiresAt }: { readonly expiresAt: string }) {
  const now = useNow(1000)
  const left = Date.parse(expiresAt) - now
  return (
    <span
      role="timer"
      className={left <= 0 ? 'lease lease-expired' : left < 15_000 ? 'lease lease-soon' : 'lease'}
      title={`Lease expires ${formatTime(expiresAt)}`}
    >
      {formatRemaining(left)}
      {left > 0 ? ' left' : ''}
    </span>
  )
}
