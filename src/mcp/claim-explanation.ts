import type { DockClient } from '../client/dock-client.js'
import { hasSkills } from '../domain/row-rules.js'
import type { Row } from '../domain/types.js'

/** Rows read per status scan at most: the explanation is for a model, not an audit. */
const SCAN_LIMIT = 2000
const PAGE = 500

/** Why claim_next found nothing: each row in a claimable status counted under the first reason that holds for it. */
export interface ClaimNextExplanation {
  readonly reason: string
  /** Statuses a claim may start from. */
  readonly claimableStatuses: readonly string[]
  readonly counts: {
    readonly inClaimableStatus: number
    /** Held by a live claim (yours or another principal's). */
    readonly claimed: number
    /** Waiting on `blockedBy` rows that are not done. */
    readonly blocked: number
    /** Ready, but needs skills you lack. */
    readonly needsSkillsYouLack: number
    /** Ready and within your skills, but its values do not match `where`. */
    readonly notMatchingWhere: number
  }
  /** The skills the ready rows need that you do not have. */
  readonly missingSkills?: readonly string[]
  /** True when the table held more rows in claimable statuses than were scanned. */
  readonly partial?: boolean
}

/**
 * Explains an empty claim_next from what the API lets any member read: the
 * rows in claimable statuses, the subset the server calls ready (unowned,
 * blockers done), and the caller's skills. It runs only after a claim_next
 * came back empty, so its reads cost nothing on the path that claims.
 * Rows can change between the claim and these reads; the counts describe
 * the table as read a moment later.
 */
export async function explainClaimNext(
  client: DockClient,
  table: string,
  where: Readonly<Record<string, unknown>> | undefined,
): Promise<ClaimNextExplanation> {
  const [me, t] = await Promise.all([client.me(), client.getTable(table)])
  const claim = t.workflow.claim
  if (claim === null) {
    return {
      reason: `table ${table} has no claim rule: its rows are not claimed, only moved by transitions`,
      claimableStatuses: [],
      counts: { inClaimableStatus: 0, claimed: 0, blocked: 0, needsSkillsYouLack: 0, notMatchingWhere: 0 },
    }
  }
  const statuses = [...claim.from]
  const [all, ready] = await Promise.all([scan(client, table, statuses, false), scan(client, table, statuses, true)])
  const readyIds = new Set(ready.rows.map((r) => r.id))
  let claimed = 0
  let blocked = 0
  let needsSkills = 0
  let notMatching = 0
  const missing = new Set<string>()
  for (const row of all.rows) {
    if (!readyIds.has(row.id)) {
      if (row.owner !== null) claimed++
      else blocked++
      continue
    }
    if (!hasSkills(row, me.principal)) {
      needsSkills++
      for (const s of row.requiredSkills) if (!me.principal.skills.includes(s)) missing.add(s)
      continue
    }
    if (where !== undefined && !Object.entries(where).every(([k, v]) => row.values[k] === v)) notMatching++
  }
  const counts = {
    inClaimableStatus: all.rows.length,
    claimed,
    blocked,
    needsSkillsYouLack: needsSkills,
    notMatchingWhere: notMatching,
  }
  const missingSkills = [...missing].sort()
  return {
    reason: sentence(table, statuses, counts, missingSkills, me.principal.skills),
    claimableStatuses: statuses,
    counts,
    ...(missingSkills.length > 0 ? { missingSkills } : {}),
    ...(all.partial || ready.partial ? { partial: true } : {}),
  }
}

async function scan(
  client: DockClient,
  table: string,
  status: string[],
  ready: boolean,
): Promise<{ rows: Row[]; partial: boolean }> {
  const rows: Row[] = []
  let cursor: string | undefined
  do {
    const page = await client.listRows(table, {
      status,
      ready,
      limit: PAGE,
      ...(cursor !== undefined ? { cursor } : {}),
    })
    rows.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined && rows.length < SCAN_LIMIT)
  return { rows, partial: cursor !== undefined }
}

function sentence(
  table: string,
  statuses: readonly string[],
  c: ClaimNextExplanation['counts'],
  missing: readonly string[],
  skills: readonly string[],
): string {
  const where = statuses.join(' or ')
  if (c.inClaimableStatus === 0)
    return `no row of ${table} is in a claimable status (${where}): nothing to claim until one is created or moved there`
  const parts: string[] = []
  if (c.claimed > 0) parts.push(`${c.claimed} already claimed`)
  if (c.blocked > 0) parts.push(`${c.blocked} blocked by rows not done yet`)
  if (c.needsSkillsYouLack > 0) {
    parts.push(
      `${c.needsSkillsYouLack} need skills you lack (${missing.join(', ')}; you have ${skills.length > 0 ? skills.join(', ') : 'none'})`,
    )
  }
  if (c.notMatchingWhere > 0) parts.push(`${c.notMatchingWhere} do not match where`)
  const rest = c.inClaimableStatus - c.claimed - c.blocked - c.needsSkillsYouLack - c.notMatchingWhere
  if (rest > 0) parts.push(`${rest} became claimable just now: try again`)
  return `${c.inClaimableStatus} row(s) of ${table} in ${where}: ${parts.join('; ')}`
}
