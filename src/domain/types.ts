/**
 * The records Dock stores and serves. These shapes are the JSON the HTTP API
 * returns, so the client SDK, the CLI, MCP tools and the web UI share them.
 * Times are ISO-8601 strings; versions and revisions are integers.
 */

export type Role = 'operator' | 'reviewer' | 'member'
export const ROLES: readonly Role[] = ['operator', 'reviewer', 'member']

export interface Workspace {
  readonly id: string
  readonly name: string
  /** Advances by exactly one with every write; equals the revision of the newest event. */
  readonly revision: number
  readonly frozen: boolean
  readonly createdAt: string
}

export interface Budget {
  /** Writes allowed in any sliding minute; null means unlimited. */
  readonly writesPerMinute: number | null
}

export interface Principal {
  readonly id: string
  readonly workspaceId: string
  readonly name: string
  readonly kind: 'human' | 'agent'
  readonly roles: readonly Role[]
  readonly skills: readonly string[]
  readonly status: 'active' | 'suspended'
  readonly budget: Budget
  /** Ed25519 public key (SPKI PEM or raw base64); when set, the principal's writes must be signed. */
  readonly publicKey: string | null
  readonly createdAt: string
  readonly createdBy: string | null
}

export type ColumnType = 'text' | 'number' | 'integer' | 'boolean' | 'date' | 'enum' | 'principal' | 'ref' | 'json'

export interface Column {
  readonly name: string
  readonly type: ColumnType
  readonly required?: boolean
  readonly default?: unknown
  /** For `enum`. */
  readonly values?: readonly string[]
  /** For `ref`: the table the value points into. */
  readonly table?: string
}

export interface ClaimRule {
  /** Statuses a row may be claimed from. */
  readonly from: readonly string[]
  /** The status a claim moves the row to. */
  readonly to: string
  readonly leaseMs: number
  /** Claims allowed before an expired lease sends the row to `deadLetter`. */
  readonly maxAttempts: number
  readonly deadLetter: string
}

/**
 * Who may move a row: `by` lists alternatives, any one suffices (`owner`, `any`,
 * or a role name); `require` lists conditions that must all hold
 * (`not:author`, `not:owner`).
 */
export const TRANSITION_REQUIREMENTS = ['not:author', 'not:owner'] as const
export type TransitionRequirement = (typeof TRANSITION_REQUIREMENTS)[number]

export interface Transition {
  readonly from: string
  readonly to: string
  readonly by: readonly string[]
  readonly require?: readonly TransitionRequirement[]
}

export interface Workflow {
  /** Name of the status column; it is added to the columns as an enum of `statuses`. */
  readonly statusColumn: string
  readonly statuses: readonly string[]
  readonly initial: string
  /** Statuses that satisfy a `blockedBy` dependency. */
  readonly done: readonly string[]
  readonly claim: ClaimRule | null
  readonly transitions: readonly Transition[]
}

export interface Contract {
  readonly version: number
  readonly columns: readonly Column[]
  readonly workflow: Workflow
  readonly publishedAt: string
  readonly publishedBy: string
}

export interface Table {
  readonly id: string
  readonly workspaceId: string
  readonly name: string
  readonly contractVersion: number
  readonly columns: readonly Column[]
  readonly workflow: Workflow
  readonly createdAt: string
  readonly createdBy: string
}

export interface Lease {
  readonly owner: string
  readonly token: number
  readonly expiresAt: string
}

export interface Row {
  readonly id: string
  readonly workspaceId: string
  readonly table: string
  readonly values: Readonly<Record<string, unknown>>
  readonly status: string
  /** Bumped on every change to this row. */
  readonly version: number
  /** Workspace revision of this row's last change. */
  readonly revision: number
  readonly contractVersion: number
  readonly createdBy: string
  readonly updatedBy: string
  readonly createdAt: string
  readonly updatedAt: string
  /** Live claimant, or null. */
  readonly owner: string | null
  readonly leaseExpiresAt: string | null
  /** Fencing token of the newest claim (0 when never claimed). */
  readonly fencingToken: number
  readonly attempts: number
  /** Principal who last claimed the row, or its creator; `not:author` gates test against it. */
  readonly author: string
  /** Status the current claim was taken from; release returns the row there. */
  readonly claimedFrom: string | null
  /**
   * The claimant whose lease lapsed (swept or expired at a claim), until the row is
   * claimed again: it may not write the row without claiming it anew. Absent on
   * rows written before this field existed.
   */
  readonly lapsedClaimant?: string | null
  readonly blockedBy: readonly string[]
  readonly requiredSkills: readonly string[]
  readonly priority: number
  /** Creation order within the workspace; breaks priority ties, oldest first. */
  readonly seq: number
}

export interface Section {
  /** Stable key: the slug of the heading when the section was first written. */
  readonly key: string
  readonly heading: string
  /** Heading level 1–6; 0 for the preamble before the first heading. */
  readonly level: number
  readonly body: string
  readonly version: number
  readonly editedBy: string
  readonly editedAt: string
  /** Revision of the section's last change. */
  readonly revision: number
  /** Lane owner: only this principal (or an operator) may write the section. */
  readonly lane: string | null
}

export interface DocLock {
  readonly owner: string
  readonly token: number
  readonly expiresAt: string
}

export interface Doc {
  readonly id: string
  readonly workspaceId: string
  readonly title: string
  /** Bumped on every change to any part of the doc. */
  readonly version: number
  readonly revision: number
  readonly sections: readonly Section[]
  readonly lock: DocLock | null
  readonly createdBy: string
  readonly updatedBy: string
  readonly createdAt: string
  readonly updatedAt: string
}

export type EventType =
  | 'workspace.created'
  | 'workspace.frozen'
  | 'workspace.unfrozen'
  | 'principal.created'
  | 'principal.updated'
  | 'principal.suspended'
  | 'principal.resumed'
  | 'table.created'
  | 'table.schema_published'
  | 'row.created'
  | 'row.updated'
  | 'row.claimed'
  | 'row.heartbeat'
  | 'row.released'
  | 'row.transitioned'
  | 'row.lease_expired'
  /** A note on a row (after: {text}); advances the workspace revision, not the row's version. */
  | 'row.note_added'
  /** An operator sent a dead-letter row back to its claimable status, attempts reset. */
  | 'row.requeued'
  | 'doc.created'
  | 'doc.replaced'
  | 'doc.section_written'
  | 'doc.locked'
  | 'doc.unlocked'

export interface EventTarget {
  readonly kind: 'workspace' | 'principal' | 'table' | 'row' | 'doc'
  readonly id: string
  /** Table name, for table and row events. */
  readonly table?: string
  /** Doc id, for doc events. */
  readonly doc?: string
  /** Section key, for section writes. */
  readonly section?: string
  /** Row status after the change, for row events. */
  readonly status?: string
}

/** One entry of the append-only, hash-chained log. */
export interface DockEvent {
  readonly workspaceId: string
  readonly revision: number
  readonly ts: string
  /** Principal id; `system` for the lease sweeper and bootstrap. */
  readonly actor: string
  readonly type: EventType
  readonly target: EventTarget
  readonly before: unknown
  readonly after: unknown
  readonly requestId: string | null
  readonly signature: string | null
  readonly prevHash: string
  readonly hash: string
}

export const SYSTEM_ACTOR = 'system'
export const GENESIS_HASH = '0'.repeat(64)
