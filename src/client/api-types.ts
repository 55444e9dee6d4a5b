/**
 * Request and reply shapes of the HTTP API v1 that are not plain domain
 * records (docs/http-api.md). Bodies and replies are the operations' contracts
 * (src/api), taken as types only so the SDK (and the browser bundle) carries no
 * zod; records themselves come from src/domain/types.ts. What is declared here
 * is the SDK's own: query options it turns into query strings.
 */
import type { EventType } from '../domain/types.js'

export type {
  CreateDocInput,
  DocLockResult,
  DocSummary,
  LockDocInput,
  ReplaceDocInput,
  SectionHistory,
  SectionWrite,
  UnlockDocInput,
  WriteSectionInput,
} from '../api/docs.js'
export type { AuditReport, EventsPage } from '../api/events.js'
export type { CreatedPrincipal, CreatePrincipalInput, OpenClaim, PrincipalView } from '../api/principals.js'
export type {
  Claim,
  ClaimInput,
  ClaimLease,
  ClaimNextInput,
  CreateRowInput,
  HeartbeatInput,
  PatchRowInput,
  ReleaseInput,
  RequeueInput,
  RowNote,
  RowNotePage,
  TransitionInput,
} from '../api/rows.js'
export type { AgentStats, StatsRowRef, TableStats, WorkspaceStats } from '../api/stats.js'
export type { CreateTableInput, PublishSchemaInput, WorkflowInput } from '../api/tables.js'
export type { CreatedWorkspace, Me, Page } from '../api/workspaces.js'

export interface PageQuery {
  readonly limit?: number
  readonly cursor?: string
}

export interface Health {
  readonly ok: boolean
  readonly storage: 'sqlite' | 'postgres' | (string & {})
}

export interface ListRowsQuery extends PageQuery {
  /** One status or several (any of); sent as a comma-separated list. */
  readonly status?: string | readonly string[]
  readonly owner?: string
  /** Only rows a claim could take now (claimable status, blockers done, unowned). */
  readonly ready?: boolean
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

export interface NotesQuery {
  /** Notes after this revision (default 0). */
  readonly since?: number
  readonly limit?: number
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
