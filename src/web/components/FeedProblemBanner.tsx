import { useWorkspace } from '../hooks/useWorkspace.js'

const EXPLAIN: Record<string, string> = {
  principal_suspended: 'Your principal has been suspended by an operator.',
  unauthorized: 'Your key is no longer accepted.',
  not_found: 'This workspace is no longer available to you.',
}

/** Shown when the server refuses the live feed for good: the page would otherwise silently go stale. */
export function FeedProblemBanner() {
  const { feedProblem, signOut } = useWorkspace()
  if (!feedProblem) return null
  return (
    <div className="banner banner-error" role="alert">
      <p>
        Live updates stopped. {EXPLAIN[feedProblem] ?? `The server said: ${feedProblem}.`} What you see may be out of
        date.
      </p>
      <div className="banner-actions">
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </div>
    </div>
  )
}
