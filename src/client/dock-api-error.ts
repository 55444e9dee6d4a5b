import type { ErrorCode } from '../domain/errors.js'

/**
 * Brand shared by every copy of the SDK. `instanceof` fails when the SDK is
 * bundled twice (an app and a plugin each with their own copy), so the check
 * goes through a registry symbol instead.
 */
const DOCK_API_ERROR_BRAND = Symbol.for('dock.DockApiError')

export interface DockApiErrorInit {
  readonly code: ErrorCode
  readonly status: number
  readonly message: string
  readonly details?: Record<string, unknown> | undefined
  readonly problem?: Readonly<Record<string, unknown>> | undefined
  readonly method?: string | undefined
  readonly path?: string | undefined
  readonly cause?: unknown
}

/**
 * A refusal from the Dock HTTP API, re-raised on the client with its stable
 * `code`. Branch on `code`, never on the message text:
 *
 * @example
 * try { await dock.patchRow('tasks', id, { values, expectedVersion: 3 }) }
 * catch (e) {
 *   if (isDockApiError(e) && e.code === 'version_conflict') console.log(e.current)
 * }
 */
export class DockApiError extends Error {
  readonly code: ErrorCode
  /** HTTP status of the reply (0 when the reply never came as a problem body). */
  readonly status: number
  /** `details` of the problem body; conflicts carry `details.current`. */
  readonly details: Record<string, unknown> | undefined
  /** The whole problem body as received (RFC 9457 fields plus `code`, `details`). */
  readonly problem: Readonly<Record<string, unknown>> | undefined
  readonly method: string | undefined
  readonly path: string | undefined
  declare readonly [DOCK_API_ERROR_BRAND]: true

  constructor(init: DockApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'DockApiError'
    this.code = init.code
    this.status = init.status
    this.details = init.details
    this.problem = init.problem
    this.method = init.method
    this.path = init.path
    Object.defineProperty(this, DOCK_API_ERROR_BRAND, { value: true, enumerable: false })
  }

  /** The record as it is now, for `version_conflict` / `precondition_failed` refusals. */
  get current(): unknown {
    return this.details?.['current']
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isDockApiError(value)
  }

  toJSON(): {
    name: string
    code: ErrorCode
    status: number
    message: string
    details: Record<string, unknown> | undefined
  } {
    return { name: this.name, code: this.code, status: this.status, message: this.message, details: this.details }
  }
}

/** True for a {@link DockApiError} from any copy of the SDK. */
export function isDockApiError(value: unknown): value is DockApiError {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { [DOCK_API_ERROR_BRAND]?: unknown; name?: unknown; code?: unknown; status?: unknown }
  if (v[DOCK_API_ERROR_BRAND] === true) return true
  return v.name === 'DockApiError' && typeof v.code === 'string' && typeof v.status === 'number'
}

/**
 * Fallback code when a reply is an error but carries no problem body (a proxy's
 * HTML 502, say): the status is all we know.
 */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'invalid_input'
    case 401:
      return 'unauthorized'
    case 403:
      return 'forbidden'
    case 404:
      return 'not_found'
    case 409:
      return 'version_conflict'
    case 412:
      return 'precondition_failed'
    case 413:
      return 'payload_too_large'
    case 423:
      return 'doc_locked'
    case 428:
      return 'precondition_required'
    case 429:
      return 'rate_limited'
    case 502:
    case 503:
    case 504:
      return 'unavailable'
    default:
      return 'internal'
  }
}
