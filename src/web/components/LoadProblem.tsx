/** A failed read, said plainly, with a way to try again. */
export function LoadProblem({
  error,
  onRetry,
  what,
}: {
  readonly error: string
  readonly onRetry: () => void
  readonly what: string
}) {
  return (
    <div className="error load-problem" role="alert">
      <p>
        Could not load {what}: {error}
      </p>
      <button type="button" onClick={onRetry}>
        Retry
      </button>
    </div>
  )
}

/** Marks data that may be out of date while the live feed is down. */
export function StaleNote({ stale }: { readonly stale: boolean }) {
  if (!stale) return null
  return (
    <span className="badge badge-stale" role="status" data-testid="stale">
      Not live: may be out of date
    </span>
  )
}
