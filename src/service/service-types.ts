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
  readonly openClaims: readonly {
    table: string
    id: string
    status: string
    leaseExpiresAt: string | null
    fencingToken: number
  }[]
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

/** A note on a row, as read back from its `row.note_added` event. */
export interface RowNote {
  readonly revision: number
  readonly ts: string
  /** Principal id of the author. */
  readonly actor: string
  readonly table: string
  readonly rowId: string
  readonly text: string
}

export interface RowNotePage {
  readonly items: RowNote[]
  /** Pass as `since` for the notes after this page. */
  readonly nextSince: number
}

/** Crew health, computed from current state and a bounded recent window of the log. */
export interface WorkspaceStats {
  readonly revision: number
  readonly generatedAt: string
  /** How far back the log window reaches (revisions and time), so readers know what "recent" covered. */
  readonly window: {
    readonly fromRevision: number
    readonly toRevision: number
    readonly events: number
    readonly since: string | null
  }
  readonly tables: readonly TableStats[]
  readonly review: {
    readonly waiting: number
    /** Age in ms of the oldest row waiting for review (time since it last changed), or null. */
    readonly oldestAgeMs: number | null
    readonly rows: readonly StatsRowRef[]
  }
  /** Live leases that run out within `soonMs`. */
  readonly leasesExpiringSoon: {
    readonly soonMs: number
    readonly rows: readonly (StatsRowRef & { readonly owner: string; readonly expiresAt: string })[]
  }
  readonly deadLetters: { readonly total: number; readonly rows: readonly StatsRowRef[] }
  readonly agents: readonly AgentStats[]
}

export interface StatsRowRef {
  readonly table: string
  readonly id: string
  readonly title: string
  readonly status: string
  readonly updatedAt: string
  readonly ageMs: number
}

export interface TableStats {
  readonly table: string
  readonly byStatus: Readonly<Record<string, number>>
  readonly reviewStatuses: readonly string[]
  readonly deadLetterStatus: string | null
}

export interface AgentStats {
  readonly id: string
  readonly name: string
  readonly kind: 'human' | 'agent'
  /** `suspended`; `stuck` (holds a claim, silent for `stuckAfterMs`); `working` (holds a claim); `idle`. */
  readonly state: 'working' | 'stuck' | 'idle' | 'suspended'
  readonly openClaims: number
  /** Time of its newest event in the window, or null. */
  readonly lastActiveAt: string | null
  /** Rows it authored that reached a done status within the last hour of the window. */
  readonly doneLastHour: number
  readonly leaseExpiries: number
}
