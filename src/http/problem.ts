import type { FastifyReply } from 'fastify'

import { DockError, isDockError, type ErrorCode } from '../domain/errors.js'
import { HTTP_STATUS_BY_CODE, TITLE_BY_CODE } from './error-status.js'

export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly code: ErrorCode
  readonly detail: string
  readonly details?: Record<string, unknown>
}

/**
 * Turns anything thrown into an RFC 9457 problem. Fastify's own errors (bad
 * JSON, body too large, wrong content type) get our codes; anything unknown
 * becomes `internal` and its cause stays in the server log only.
 */
export function toProblem(err: unknown): { problem: Problem; cause: unknown | null } {
  let e: DockError
  let cause: unknown | null = null
  if (isDockError(err)) e = err
  else if (isFastifyError(err)) e = fromFastify(err)
  else {
    e = new DockError('internal', 'internal error')
    cause = err
  }
  const status =
    e.code === 'invalid_input' && isFastifyError(err) && err.statusCode === 415 ? 415 : HTTP_STATUS_BY_CODE[e.code]
  return {
    problem: {
      type: `https://dock.dev/errors/${e.code}`,
      title: TITLE_BY_CODE[e.code],
      status,
      code: e.code,
      detail: e.message,
      ...(e.details !== undefined ? { details: e.details } : {}),
    },
    cause,
  }
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  const extra =
    problem.code === 'budget_exceeded' ? Math.ceil(Number(problem.details?.['retryAfterMs'] ?? 1000) / 1000) : null
  if (extra !== null) void reply.header('retry-after', String(Math.max(1, extra)))
  return reply.status(problem.status).type('application/problem+json').send(problem)
}

interface FastifyLikeError {
  readonly code?: string
  readonly statusCode?: number
  readonly message: string
  readonly validation?: unknown
}

function isFastifyError(err: unknown): err is FastifyLikeError & Error {
  return err instanceof Error && typeof (err as FastifyLikeError).statusCode === 'number'
}

function fromFastify(err: FastifyLikeError): DockError {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
    return new DockError('payload_too_large', 'request body is larger than the server accepts')
  }
  const status = err.statusCode ?? 500
  if (status === 404) return new DockError('not_found', 'no such route')
  if (status === 401) return new DockError('unauthorized', err.message)
  if (status >= 400 && status < 500) return new DockError('invalid_input', err.message)
  return new DockError('internal', 'internal error', { cause: err })
}
