/** Writes used in the current minute against the principal's budget. */
export function BudgetMeter({ used, limit }: { readonly used: number; readonly limit: number | null }) {
  if (limit === null)
    return (
      <span>
        {used} writes/min <span className="muted">(no limit)</span>
      </span>
    )
  return (
    <span className="budget">
      <meter
        min={0}
        max={limit}
        low={limit * 0.7}
        high={limit * 0.9}
        optimum={0}
        value={Math.min(used, limit)}
        aria-label="Budget used"
      />
      <span>
        {' '}
        {used} / {limit} writes/min
      </span>
    </span>
  )
}
