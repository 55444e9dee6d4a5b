import type { Role } from './types.js'

/**
 * Every operation the service performs on behalf of a principal, and the roles
 * that may perform it. This table is the one place roles are decided: the
 * service asks `mayPerform` before any work, docs/http-api.md prints it, and
 * test/http/permissions.test.ts checks every route against it.
 *
 * Holding a role grants its operations; roles add up (reviewer + member may do
 * what either may). Workflow gates, lanes, locks and claims refuse further
 * inside what the role allows; they never grant beyond it.
 */
export const PERMISSIONS = {
  // Reading anything in the workspace: rows, docs, tables, principals, the log, the watch, the audit.
  read: ['operator', 'member', 'reviewer'],
  // Workspaces and principals are the operator's.
  'workspace.create': ['operator'],
  'workspace.freeze': ['operator'],
  'principal.create': ['operator'],
  'principal.suspend': ['operator'],
  // Tables: the contract holds the workflow's gates, so only an operator writes it;
  // otherwise a member could publish `* → done by any` and approve its own work.
  'table.create': ['operator'],
  'table.publish': ['operator'],
  // Rows: members work them; reviewers move them only through the transitions the
  // workflow grants the reviewer role, and write nothing else.
  'row.create': ['operator', 'member'],
  'row.update': ['operator', 'member'],
  'row.claim': ['operator', 'member'],
  /** Heartbeat and release of one's own claim. */
  'row.lease': ['operator', 'member'],
  'row.transition': ['operator', 'member', 'reviewer'],
  /**
   * A note on a row is a remark, not a change to the work (the row's version does
   * not move): reviewers need it to say why they send work back.
   */
  'row.note': ['operator', 'member', 'reviewer'],
  /** A dead-letter row back to its claimable status, attempts reset. */
  'row.requeue': ['operator'],
  // Docs: the same split as rows.
  'doc.create': ['operator', 'member'],
  /** Whole-doc replace and section writes. */
  'doc.write': ['operator', 'member'],
  /** Lock and unlock. */
  'doc.lock': ['operator', 'member'],
  // A backup holds every workspace of the store: operators only, and the service
  // further limits it to the operators of the store's own workspace, `default`.
  'store.backup': ['operator'],
  /** GET /metrics: the crew's figures for a scraper, names included. */
  'metrics.read': ['operator'],
} as const satisfies Record<string, readonly Role[]>

export type Operation = keyof typeof PERMISSIONS

export const OPERATIONS = Object.keys(PERMISSIONS) as Operation[]

/** True when any of `roles` is granted `op`. */
export function mayPerform(roles: readonly Role[], op: Operation): boolean {
  const granted: readonly Role[] = PERMISSIONS[op]
  return roles.some((r) => granted.includes(r))
}

/**
 * Roles that write rows and docs. The workflow gate `any` admits exactly these:
 * a reviewer-only principal takes only the transitions that name `reviewer`
 * (or another role it holds), never the ones open to any worker.
 */
export function isWriter(roles: readonly Role[]): boolean {
  return mayPerform(roles, 'row.update')
}
