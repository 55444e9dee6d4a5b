/** A row as the stats name it. */
export interface StatsRowRef {
  readonly table: string
  readonly id: string
  readonly title: string
  readonly status: string
  readonly updatedAt: string
  /** Time since the row last changed (ms). */
  readonly ageMs: number
}

export interface TableStats {
  readonly table: string
  readonly byStatus: Readonly<Record<string, number>>
  /** Statuses a `not:author` gate leads out of: where rows wait for review. */
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
  /** Its leases that ran out within the window. */
  readonly leaseExpiries: number
}

/** GET /workspaces/:ws/stats: current state plus a bounded recent window of the log. */
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
