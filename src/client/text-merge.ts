import { diff3Merge } from 'node-diff3'

/** One region both sides changed differently; texts are the lines of that region. */
export interface TextMergeConflict {
  /** The region as it was in the common ancestor. */
  readonly base: string
  readonly mine: string
  readonly theirs: string
  /** 0-based line numbers where the region starts in each text. */
  readonly baseLine: number
  readonly mineLine: number
  readonly theirsLine: number
}

export type TextMergeResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly conflicts: readonly TextMergeConflict[] }

/**
 * Three-way, line-based merge: the changes `mine` and `theirs` each made to
 * `base`, combined. Succeeds when no region was changed differently by both
 * sides (the same change made on both sides is not a conflict).
 *
 * Like GNU diff3, edits to *adjacent* lines count as overlapping: a merge that
 * silently interleaves two writers' edits to neighbouring lines is how prose
 * ends up saying nonsense, so Dock asks a human (or the agent) instead.
 *
 * @example
 * mergeText('a\nb\nc\n', 'A\nb\nc\n', 'a\nb\nC\n') // { ok: true, text: 'A\nb\nC\n' }
 */
export function mergeText(base: string, mine: string, theirs: string): TextMergeResult {
  if (mine === theirs) return { ok: true, text: mine }
  if (mine === base) return { ok: true, text: theirs }
  if (theirs === base) return { ok: true, text: mine }

  // Split on '\n' only and join back with it: a trailing newline survives as a
  // final empty line, and '\r' stays part of its line.
  const regions = diff3Merge<string>(mine.split('\n'), base.split('\n'), theirs.split('\n'), {
    excludeFalseConflicts: true,
  })
  const lines: string[] = []
  const conflicts: TextMergeConflict[] = []
  for (const region of regions) {
    if (region.ok) {
      lines.push(...region.ok)
    } else if (region.conflict) {
      const c = region.conflict
      conflicts.push({
        base: c.o.join('\n'),
        mine: c.a.join('\n'),
        theirs: c.b.join('\n'),
        baseLine: c.oIndex,
        mineLine: c.aIndex,
        theirsLine: c.bIndex,
      })
    }
  }
  return conflicts.length === 0 ? { ok: true, text: lines.join('\n') } : { ok: false, conflicts }
}
