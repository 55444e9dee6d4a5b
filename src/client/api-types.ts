/**
 * Request and reply shapes of the HTTP API v1 that are not plain domain
 * records (docs/http-api.md). Records themselves come from src/domain/types.ts.
 */
import type {
  Budget,
  ClaimRule,
  Column,
  Doc,
  DocLock,
  DockEvent,
  EventType,
  Principal,
  Role,
  Row,
  Section,
  Transition,
  Workspace,
} from '../domain/types.js'

/** A page of a list; pass `nextCursor` back as `cursor` for the next one. */
export interface Page<TItem> {
  readonly items: TItem[]
  readonly nextCursor: string | null
}

export interface PageQuery {
  readonly limit?: number
  readonly cursor?: string
}

export interface Health {
  readonly ok: boolean
  readonly storage: 'sqlite' | 'postgres' | (string & {})
}

export interface Me {
  readonly principal: Principal
  readonly workspace: Workspace
}

export interface CreatedWorkspace {
  readonly workspace: Workspace
  /** A fresh operator of the new workspace; its key is shown only here. */
  readonly operator: { readonly principal: Principal; readonly key: string }
}

export interface CreatePrincipalInput {
  readonly name: string
  readonly kind?: 'agent' | 'human'
  readonly roles?: readonly Role[]
  readonly skills?: readonly string[]
  readonly budget?: Budget
  readonly publicKey?: string
}

export interface CreatedPrincipal {
  readonly principal: Principal
  /** The principal's key: shown once, stored only as a hash. */
  readonly key: string
}

export interface OpenClaim {
  readonly table: string
  readonly id: string
  readonly status: string
  readonly leaseExpiresAt: string | null
  readonly fencingToken: number
}

export interface PrincipalView extends Principal {
  readonly openClaims: readonly OpenClaim[]
  readonly budgetUsed: number
}

/** A workflow as written by a client: everything but `statuses` has a default. */
export interface WorkflowInput {
  readonly statusColumn?: string
  readonly statuses: readonly string[]
  readonly initial?: string
  readonly done?: readonly string[]
  readonly claim?: Partial<ClaimRule> | null
  readonly transitions?: readonly Transition[]
}

export interface CreateTableInput {
  readonly name: string
  readonly columns: readonly Column[]
  readonly workflow: WorkflowInput
}

export interface PublishSchemaInput {
  readonly columns: readonly Column[]
  readonly workflow: WorkflowInput
  /** Contract version the new one replaces; refused if the contract moved on. */
  readonly expectedVersion?: number
}

export interface CreateRowInput {
  readonly values: Record<string, unknown>
  readonly blockedBy?: readonly string[]
  readonly requiredSkills?: readonly string[]
  readonly priority?: number
  readonly contractVersion?: number
}

export interface ListRowsQuery extends PageQuery {
  /** One status or several (any of). */
  readonly status?: string | readonly string[]
  readonly owner?: string
  /** Only rows a claim could take now (claimable status, blockers done, unowned). */
  readonly ready?: boolean
}

export interface PatchRowInput {
  readonly values?: Record<string, unknown>
  readonly blockedBy?: readonly string[]
  readonly requiredSkills?: readonly string[]
  readonly priority?: number
  readonly expectedVersion?: number
  readonly fencingToken?: number
  readonly contractVersion?: number
}

/** The lease a claim or heartbeat hands out. */
export interface ClaimLease {
  /** Fencing token: carry it on every write while you own the row. */
  readonly token: number
  readonly expiresAt: string
  readonly owner?: string
}

export interface Claim {
  readonly row: Row
  readonly lease: ClaimLease
}

export interface ClaimInput {
  readonly leaseMs?: number
}

export interface ClaimNextInput {
  readonly leaseMs?: number
  /** Only rows whose values equal these. */
  readonly where?: Record<string, unknown>
}

export interface HeartbeatInput {
  readonly fencingToken: number
  readonly leaseMs?: number
}

export interface ReleaseInput {
  readonly fencingToken: number
}

export interface TransitionInput {
  readonly to: string
  readonly fencingToken?: number
  readonly expectedVersion?: number
  readonly values?: Record<string, unknown>
}

export interface CreateDocInput {
  readonly title: string
  readonly content: string
}

/** A doc as listed: sections without their bodies. */
export type DocSummary = Omit<Doc, 'sections'> & {
  readonly sections?: readonly Omit<Section, 'body'>[]
}

export interface ReplaceDocInput {
  readonly content: string
  /** Required (or `ifMatch` in the request options): blind whole-doc replaces are refused with 428. */
  readonly expectedVersion?: number
  /** The doc lock's token, when writing under the lock (required while you hold it). */
  readonly lockToken?: number
}

export interface WriteSectionInput {
  readonly body: string
  readonly heading?: string
  readonly expectedVersion?: number
  /** Lane owner (principal id or name); null clears it. */
  readonly lane?: string | null
  /** The doc lock's token, when writing under the lock (required while you hold it). */
  readonly lockToken?: number
}

export interface SectionWrite {
  readonly section: Section
  readonly doc: { readonly id: string; readonly version: number; readonly revision: number }
}

export interface DocLockResult {
  readonly doc: Doc
  readonly lock: DocLock
}

export interface LockDocInput {
  readonly leaseMs?: number
}

export interface UnlockDocInput {
  /** The token `lockDoc` returned; the holder must send it. */
  readonly token?: number
}

type OneOrMany = string | readonly string[]

/** Filters of the log and the watch; each is any-of. `type` may end in `.*`. */
export interface EventFilters {
  readonly table?: OneOrMany
  readonly status?: OneOrMany
  readonly doc?: OneOrMany
  readonly actor?: OneOrMany
  /** Event types (`row.claimed`), or a family (`row.*`). */
  readonly type?: EventType | (string & {}) | readonly (EventType | (string & {}))[]
  /** Row ids: only events whose target is one of these rows (a row's own timeline). */
  readonly row?: OneOrMany
}

export interface EventsQuery extends EventFilters {
  /** Events after this revision (default 0). */
  readonly since?: number
  readonly limit?: number
  /** Seconds (≤ 60) to wait for a first matching event before replying empty. */
  readonly wait?: number
}

export interface EventsPage {
  readonly items: DockEvent[]
  /** The workspace revision when the reply was made. */
  readonly revision: number
  /** Pass as `since` to continue after this page. */
  readonly nextSince: number
}

export interface SectionHistory {
  readonly items: DockEvent[]
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
  /** `stuck`: holds a claim and wrote nothing (heartbeats count) for 5 minutes. */
  readonly state: 'working' | 'stuck' | 'idle' | 'suspended'
  readonly openClaims: number
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
  readonly window: {
    readonly fromRevision: number
    readonly toRevision: number
    readonly events: number
    readonly since: string | null
  }
  readonly tables: readonly TableStats[]
  readonly review: {
    readonly waiting: number
    readonly oldestAgeMs: number | null
    readonly rows: readonly StatsRowRef[]
  }
  readonly leasesExpiringSoon: {
    readonly soonMs: number
    readonly rows: readonly (StatsRowRef & { readonly owner: string; readonly expiresAt: string })[]
  }
  readonly deadLetters: { readonly total: number; readonly rows: readonly StatsRowRef[] }
  readonly agents: readonly AgentStats[]
}

export interface NotesQuery {
  /** Notes after this revision (default 0). */
  readonly since?: number
  readonly limit?: number
}

export interface RequeueInput {
  readonly expectedVersion?: number
}

/** A problem body as parsed, before the client trusts any field. */
export interface ProblemLike {
  readonly type?: unknown
  readonly title?: unknown
  readonly status?: unknown
  readonly code?: unknown
  readonly detail?: unknown
  readonly details?: Record<string, unknown> | null
  readonly [extra: string]: unknown
}
