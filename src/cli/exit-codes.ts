import type { ErrorCode } from '../domain/errors.js'
import type { CliErrorCode } from './cli-error.js'

/**
 * Exit statuses, so scripts can branch without parsing stderr:
 * 1 any other failure, 2 bad usage or input, 3 conflict (stale write, taken claim,
 * refused transition: re-read and retry), 4 authentication or permission,
 * 5 not found, 6 frozen, locked, suspended or store unavailable, 7 budget or rate limit,
 * 8 nothing to claim (`claim-next`, also when `--wait` ended empty), 130 interrupted.
 */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
export const EXIT_CONFLICT = 3
export const EXIT_AUTH = 4
export const EXIT_NOT_FOUND = 5
export const EXIT_UNAVAILABLE = 6
export const EXIT_LIMITED = 7
/** `claim-next` found nothing eligible: not a failure, but a loop should stop or wait. */
export const EXIT_NOTHING_TO_CLAIM = 8
/** Ctrl-C, as shells report SIGINT. */
export const EXIT_INTERRUPTED = 130

const EXIT_BY_CODE: Record<ErrorCode | CliErrorCode, number> = {
  usage: EXIT_USAGE,
  missing_token: EXIT_AUTH,
  io_error: EXIT_FAILURE,
  unreachable: EXIT_FAILURE,
  audit_broken: EXIT_FAILURE,
  interrupted: EXIT_INTERRUPTED,
  demo_incomplete: EXIT_FAILURE,
  address_in_use: EXIT_FAILURE,
  nothing_to_claim: EXIT_NOTHING_TO_CLAIM,
  unauthorized: EXIT_AUTH,
  invalid_signature: EXIT_AUTH,
  forbidden: EXIT_AUTH,
  lane_owned: EXIT_AUTH,
  not_owner: EXIT_AUTH,
  not_found: EXIT_NOT_FOUND,
  invalid_input: EXIT_USAGE,
  payload_too_large: EXIT_USAGE,
  precondition_required: EXIT_USAGE,
  version_conflict: EXIT_CONFLICT,
  precondition_failed: EXIT_CONFLICT,
  already_claimed: EXIT_CONFLICT,
  stale_fencing_token: EXIT_CONFLICT,
  lease_expired: EXIT_CONFLICT,
  transition_not_allowed: EXIT_CONFLICT,
  contract_changed: EXIT_CONFLICT,
  already_exists: EXIT_CONFLICT,
  doc_locked: EXIT_UNAVAILABLE,
  workspace_frozen: EXIT_UNAVAILABLE,
  principal_suspended: EXIT_UNAVAILABLE,
  budget_exceeded: EXIT_LIMITED,
  quota_exceeded: EXIT_LIMITED,
  rate_limited: EXIT_LIMITED,
  too_many_streams: EXIT_LIMITED,
  request_timeout: EXIT_UNAVAILABLE,
  unavailable: EXIT_UNAVAILABLE,
  internal: EXIT_FAILURE,
}

export function exitCodeFor(code: string | undefined): number {
  if (code === undefined) return EXIT_FAILURE
  return (EXIT_BY_CODE as Record<string, number | undefined>)[code] ?? EXIT_FAILURE
}
