import type { PrincipalRecord } from '../storage/storage.js'

/** Who is asking: resolved from the bearer key by `authenticate`. */
export interface Caller {
  readonly principal: PrincipalRecord
  readonly requestId?: string | null
  /** Ed25519 signature (base64) over `signedPayload`, when the client signed. */
  readonly signature?: string | null
  readonly signedPayload?: string | null
}

export interface Precondition {
  /** From the body: mismatch → 409 version_conflict. */
  readonly expectedVersion?: number | undefined
  /** From `If-Match`: mismatch → 412 precondition_failed. */
  readonly ifMatch?: number | undefined
}

// The replies the service hands back are the API's wire shapes (src/api), declared there once.
export type { AuditReport, EventsPage } from '../api/events.js'
export type { PrincipalView } from '../api/principals.js'
export type { Claim, RowNote, RowNotePage } from '../api/rows.js'
export type { AgentStats, StatsRowRef, TableStats, WorkspaceStats } from '../api/stats.js'
