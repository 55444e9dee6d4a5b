import type { DockEvent, Principal, Row } from '../domain/types.js'
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

export interface ClaimResult {
  readonly row: Row
  readonly lease: { readonly token: number; readonly expiresAt: string }
}

export interface PrincipalView extends Principal {
  readonly openClaims: readonly { table: string; id: string; status: string; leaseExpiresAt: string | null; fencingToken: number }[]
  readonly budgetUsed: number
}

export interface EventPage {
  readonly items: DockEvent[]
  /** The workspace's current revision. */
  readonly revision: number
  /** Pass as `since` to continue after what was scanned (filters may skip revisions). */
  readonly nextSince: number
}

export interface AuditReport {
  readonly ok: boolean
  readonly checked: number
  readonly headRevision: number
  readonly firstBreak: { readonly revision: number; readonly reason: string } | null
}
