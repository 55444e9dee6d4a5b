/**
 * @module
 * Dock client SDK: the public surface. Browser-safe (no node: imports).
 * Named exports only — anything added here becomes public API.
 */
export { DockClient } from './dock-client.js'
export type {
  DockClientOptions,
  RequestOptions,
  RetryOptions,
  RowUpdater,
  SectionRetryOptions,
  SectionUpdater,
  UpdateRowOptions,
  WriteSectionMergingOptions,
} from './dock-client.js'
export { DockApiError, isDockApiError } from './dock-api-error.js'
export type { DockApiErrorInit } from './dock-api-error.js'
export { MergeConflictError, isMergeConflictError } from './merge-conflict-error.js'
export { mergeText } from './text-merge.js'
export type { TextMergeConflict, TextMergeResult } from './text-merge.js'
export { watchEvents } from './watch.js'
export type { WatchConnect, WatchConnected, WatchOptions, WatchReconnect } from './watch.js'
export { SseParser } from './sse-parser.js'
export { planWorker, runWorker, WorkerConfigError } from './worker.js'
export type {
  RunWorkerOptions,
  TaskOutcome,
  WorkerEvent,
  WorkerHandler,
  WorkerPlan,
  WorkerStop,
  WorkerSummary,
  WorkerTask,
} from './worker.js'
export type { SseMessage } from './sse-parser.js'
export type {
  AuditReport,
  Claim,
  ClaimInput,
  ClaimLease,
  ClaimNextInput,
  CreateDocInput,
  CreatedPrincipal,
  CreatedWorkspace,
  CreatePrincipalInput,
  CreateRowInput,
  CreateTableInput,
  DocLockResult,
  DocSummary,
  EventFilters,
  EventsPage,
  EventsQuery,
  Health,
  HeartbeatInput,
  ListRowsQuery,
  NotesQuery,
  RequeueInput,
  RowNote,
  RowNotePage,
  WorkspaceStats,
  AgentStats,
  StatsRowRef,
  TableStats,
  LockDocInput,
  Me,
  OpenClaim,
  Page,
  PageQuery,
  PatchRowInput,
  PrincipalView,
  PublishSchemaInput,
  ReleaseInput,
  ReplaceDocInput,
  SectionHistory,
  SectionWrite,
  TransitionInput,
  UnlockDocInput,
  WorkflowInput,
  WriteSectionInput,
} from './api-types.js'
export type { ErrorCode } from '../domain/errors.js'
export type {
  Column,
  Doc,
  DockEvent,
  EventType,
  Principal,
  Row,
  Section,
  Table,
  Workflow,
  Workspace,
} from '../domain/types.js'
