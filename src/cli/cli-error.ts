import type { ErrorCode } from '../domain/errors.js'

/** Codes the CLI raises on its own, before any request: bad flags, unreadable files, no token. */
export type CliErrorCode =
  | 'usage'
  | 'missing_token'
  | 'io_error'
  | 'unreachable'
  | 'audit_broken'
  | 'interrupted'
  | 'demo_incomplete'
  /** `dock serve`: the port is taken (nothing was created). */
  | 'address_in_use'
  /** `dock claim-next`: nothing was eligible (or nothing came before --wait ended). */
  | 'nothing_to_claim'

/** A refusal by the CLI itself; printed as `error <code>: message` like a server refusal. */
export class CliError extends Error {
  readonly code: CliErrorCode | ErrorCode

  constructor(code: CliErrorCode | ErrorCode, message: string) {
    super(message)
    this.name = 'CliError'
    this.code = code
  }
}

/** An outcome the command already printed as its output (`nothing to claim`): only the exit status is left to give. */
export class QuietCliError extends CliError {
  readonly quiet = true
}

export function isQuiet(err: unknown): boolean {
  return err instanceof QuietCliError
}

/** Anything with a string `code` — a CliError, the SDK's DockApiError, a DockError from in-process code. */
export function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}
