/**
 * Every refusal Dock makes carries one of these stable codes. The HTTP edge maps
 * each to a status (src/http/error-status.ts) and the SDK re-raises them as
 * typed errors, so clients branch on `code`, never on message text.
 */
export type ErrorCode =
  /** No credentials, or credentials that match no principal. */
  | 'unauthorized'
  /** Authenticated, but the principal's role or a workflow gate says no. */
  | 'forbidden'
  /** The workspace, table, row, doc, section or principal does not exist (or is in another workspace). */
  | 'not_found'
  /** The request body, query or path failed validation; `details` lists the issues. */
  | 'invalid_input'
  /** `expectedVersion` did not match; `details.current` holds the current record. */
  | 'version_conflict'
  /** `If-Match` did not match; `details.current` holds the current record. */
  | 'precondition_failed'
  /** A whole-doc replace came without `expectedVersion` or `If-Match`. */
  | 'precondition_required'
  /** The row has a live claim by another principal. */
  | 'already_claimed'
  /** The fencing token is older than the row's current one: a successor owns it now. */
  | 'stale_fencing_token'
  /** The caller's lease ran out before this write; claim again. */
  | 'lease_expired'
  /** The write needs a claim on the row and the caller holds none. */
  | 'not_owner'
  /** The workflow has no such transition, or its gate refuses this principal. */
  | 'transition_not_allowed'
  /** The write pinned a contract version the table has moved past. */
  | 'contract_changed'
  /** The section has a lane owner and the caller is neither it nor an operator. */
  | 'lane_owned'
  /** The doc is locked by another principal. */
  | 'doc_locked'
  /** The workspace is frozen: reads work, writes are refused. */
  | 'workspace_frozen'
  /** The principal is suspended. */
  | 'principal_suspended'
  /** The principal spent its writes-per-minute budget. */
  | 'budget_exceeded'
  /** The request body is larger than the server accepts. */
  | 'payload_too_large'
  /** A name that must be unique is taken. */
  | 'already_exists'
  /** The request carried a signature that does not verify against the principal's key. */
  | 'invalid_signature'
  /** A standing limit is reached (e.g. workspaces one operator may create); `details.limit` says which. */
  | 'quota_exceeded'
  /** Too many requests of another kind than writes (reserved). */
  | 'rate_limited'
  /** The principal already holds as many open streams (SSE watches and long-polls) as the server allows; close one first. */
  | 'too_many_streams'
  /** The request line, headers or body did not arrive within the server's time limits; the connection is closed. */
  | 'request_timeout'
  /** The store could not finish the write (connection lost, transaction aborted); nothing was applied, retry. */
  | 'unavailable'
  /** Something broke inside Dock; the cause is logged, never sent. */
  | 'internal'

export interface DockErrorOptions {
  readonly details?: Record<string, unknown>
  readonly cause?: unknown
}

/** The one error class of the domain; edges translate it, nothing else throws to users. */
export class DockError extends Error {
  readonly code: ErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, options: DockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DockError'
    this.code = code
    this.details = options.details
  }
}

export function isDockError(err: unknown): err is DockError {
  return (
    err instanceof Error &&
    (err as { name?: string }).name === 'DockError' &&
    typeof (err as DockError).code === 'string'
  )
}

export const ERROR_CODES: readonly ErrorCode[] = [
  'unauthorized',
  'forbidden',
  'not_found',
  'invalid_input',
  'version_conflict',
  'precondition_failed',
  'precondition_required',
  'already_claimed',
  'stale_fencing_token',
  'lease_expired',
  'not_owner',
  'transition_not_allowed',
  'contract_changed',
  'lane_owned',
  'doc_locked',
  'workspace_frozen',
  'principal_suspended',
  'budget_exceeded',
  'quota_exceeded',
  'payload_too_large',
  'already_exists',
  'invalid_signature',
  'rate_limited',
  'too_many_streams',
  'request_timeout',
  'unavailable',
  'internal',
]
