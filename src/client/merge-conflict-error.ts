import type { TextMergeConflict } from './text-merge.js'

const MERGE_CONFLICT_BRAND = Symbol.for('dock.MergeConflictError')

/**
 * Raised by `writeSectionMerging` when someone else changed the same lines:
 * nothing was written. `current` is the section text as it is now, so the
 * caller can redo its edit on top of it.
 */
export class MergeConflictError extends Error {
  readonly code = 'merge_conflict' as const
  readonly conflicts: readonly TextMergeConflict[]
  /** The body currently stored (the "theirs" side of the failed merge). */
  readonly current: string
  /** Version of the stored section, for a retry with `expectedVersion`. */
  readonly currentVersion: number | undefined
  declare readonly [MERGE_CONFLICT_BRAND]: true

  constructor(conflicts: readonly TextMergeConflict[], current: string, currentVersion: number | undefined) {
    super(`merge conflict in ${conflicts.length} region(s); nothing was written`)
    this.name = 'MergeConflictError'
    this.conflicts = conflicts
    this.current = current
    this.currentVersion = currentVersion
    Object.defineProperty(this, MERGE_CONFLICT_BRAND, { value: true, enumerable: false })
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isMergeConflictError(value)
  }
}

export function isMergeConflictError(value: unknown): value is MergeConflictError {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { [MERGE_CONFLICT_BRAND]?: unknown; name?: unknown }
  return (
    v[MERGE_CONFLICT_BRAND] === true ||
    (v.name === 'MergeConflictError' && Array.isArray((v as { conflicts?: unknown }).conflicts))
  )
}
