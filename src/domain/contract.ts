import { DockError } from './errors.js'
import { type ClaimRule, type Column, type Transition, TRANSITION_REQUIREMENTS, type Workflow } from './types.js'

export interface WorkflowInput {
  readonly statusColumn?: string | undefined
  readonly statuses: readonly string[]
  readonly initial?: string | undefined
  readonly done?: readonly string[] | undefined
  readonly claim?: Partial<ClaimRule> | null | undefined
  readonly transitions?: readonly Transition[] | undefined
}

export const DEFAULT_LEASE_MS = 60_000
export const MAX_LEASE_MS = 24 * 60 * 60_000
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/

/**
 * Checks a table definition for internal consistency and fills defaults. Shape
 * (types, lengths) is checked at the edge; this checks meaning: every status a
 * rule names exists, column names are unique, enum columns list values.
 */
export function normalizeContract(
  columnsIn: readonly Column[],
  workflowIn: WorkflowInput,
): { columns: Column[]; workflow: Workflow } {
  const problems: string[] = []
  const statuses = [...new Set(workflowIn.statuses)]
  if (statuses.length === 0) problems.push('workflow.statuses must list at least one status')
  const known = new Set(statuses)
  const need = (status: string, where: string): void => {
    if (status !== '*' && !known.has(status)) problems.push(`${where}: unknown status "${status}"`)
  }
  const statusColumn = workflowIn.statusColumn ?? 'status'
  const initial = workflowIn.initial ?? statuses[0] ?? ''
  need(initial, 'workflow.initial')
  const done = [...(workflowIn.done ?? (known.has('done') ? ['done'] : []))]
  done.forEach((s) => need(s, 'workflow.done'))

  let claim: ClaimRule | null = null
  if (workflowIn.claim) {
    const c = workflowIn.claim
    const from = [...(c.from ?? [initial])]
    const to = c.to ?? ''
    const deadLetter = c.deadLetter ?? (known.has('failed') ? 'failed' : (from[0] ?? ''))
    from.forEach((s) => need(s, 'workflow.claim.from'))
    need(to, 'workflow.claim.to')
    need(deadLetter, 'workflow.claim.deadLetter')
    if (from.includes(to)) problems.push('workflow.claim.to must differ from every claim.from status')
    const leaseMs = c.leaseMs ?? DEFAULT_LEASE_MS
    if (!Number.isInteger(leaseMs) || leaseMs < 1 || leaseMs > MAX_LEASE_MS)
      problems.push('workflow.claim.leaseMs out of range')
    const maxAttempts = c.maxAttempts ?? 3
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      problems.push('workflow.claim.maxAttempts must be a positive integer')
    claim = { from, to, leaseMs, maxAttempts, deadLetter }
  }

  const transitions = [...(workflowIn.transitions ?? [])]
  for (const [i, t] of transitions.entries()) {
    need(t.from, `workflow.transitions[${i}].from`)
    need(t.to, `workflow.transitions[${i}].to`)
    if (t.to === '*') problems.push(`workflow.transitions[${i}].to cannot be *`)
    if (t.by.length === 0) problems.push(`workflow.transitions[${i}].by must name at least one principal kind`)
    for (const r of t.require ?? []) {
      if (!(TRANSITION_REQUIREMENTS as readonly string[]).includes(r))
        problems.push(`workflow.transitions[${i}].require: unknown "${r}"`)
    }
  }

  const columns: Column[] = []
  const names = new Set<string>()
  for (const col of columnsIn) {
    if (!NAME.test(col.name)) problems.push(`column name "${col.name}" is not a plain identifier`)
    if (names.has(col.name)) problems.push(`column "${col.name}" is defined twice`)
    names.add(col.name)
    if (col.name === statusColumn) continue
    if (col.type === 'enum' && (col.values === undefined || col.values.length === 0)) {
      problems.push(`enum column "${col.name}" must list values`)
    }
    if (col.type === 'ref' && (col.table === undefined || col.table === ''))
      problems.push(`ref column "${col.name}" must name a table`)
    if (col.default !== undefined) {
      const err = checkValue(col, col.default)
      if (err !== null) problems.push(`column "${col.name}" default: ${err}`)
    }
    columns.push(col)
  }
  columns.push({ name: statusColumn, type: 'enum', values: statuses, required: true })

  if (problems.length > 0) throw new DockError('invalid_input', problems.join('; '), { details: { problems } })
  return { columns, workflow: { statusColumn, statuses, initial, done, claim, transitions } }
}

/** Returns a message when `value` does not fit the column's type, null when it does. */
export function checkValue(col: Column, value: unknown): string | null {
  if (value === null) return col.required === true ? 'is required' : null
  switch (col.type) {
    case 'text':
    case 'principal':
    case 'ref':
      return typeof value === 'string' ? null : 'must be a string'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a finite number'
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? null : 'must be a safe integer'
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be a boolean'
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}/.test(value)
        ? null
        : 'must be an ISO-8601 date'
    case 'enum':
      return typeof value === 'string' && (col.values ?? []).includes(value)
        ? null
        : `must be one of ${(col.values ?? []).join(', ')}`
    case 'json':
      return null
  }
}
