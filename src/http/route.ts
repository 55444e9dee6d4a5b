import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'

import { DockError } from '../domain/errors.js'
import type { Caller, DockService } from '../service/dock-service.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RouteContext<TBody, TQuery> {
  readonly caller: Caller
  readonly params: Record<string, string>
  readonly body: TBody
  readonly query: TQuery
  readonly request: FastifyRequest
  readonly reply: FastifyReply
}

export interface RouteSpec<TBody, TQuery> {
  readonly method: HttpMethod
  /** Fastify path under the server root, e.g. `/v1/workspaces/:ws`. */
  readonly url: string
  readonly summary: string
  readonly tag: string
  readonly body?: z.ZodType<TBody>
  readonly query?: z.ZodType<TQuery>
  /** Status of a successful reply (200 unless given). */
  readonly status?: number
  readonly handler: (ctx: RouteContext<TBody, TQuery>) => Promise<unknown>
}

/** What the OpenAPI document is built from: every route registers itself here. */
export interface RouteInfo {
  readonly method: HttpMethod
  readonly url: string
  readonly summary: string
  readonly tag: string
  readonly status: number
  readonly body?: z.ZodType
  readonly query?: z.ZodType
  readonly auth: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string
  }
}

/**
 * Registers authenticated JSON routes: authenticates the bearer key, parses
 * body and query with zod, and passes parsed values to the handler. A handler
 * returning `undefined` with status 204 sends no body.
 */
export class Router {
  readonly routes: RouteInfo[] = []
  readonly #app: FastifyInstance
  readonly #service: DockService

  constructor(app: FastifyInstance, service: DockService) {
    this.#app = app
    this.#service = service
  }

  add<TBody = undefined, TQuery = undefined>(spec: RouteSpec<TBody, TQuery>): void {
    this.routes.push({
      method: spec.method,
      url: spec.url,
      summary: spec.summary,
      tag: spec.tag,
      status: spec.status ?? 200,
      auth: true,
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.query ? { query: spec.query } : {}),
    })
    this.#app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request, reply) => {
        const caller = await this.authenticate(request)
        const body = spec.body ? parse(spec.body, request.body ?? {}, 'body') : (undefined as TBody)
        const query = spec.query ? parse(spec.query, request.query ?? {}, 'query') : (undefined as TQuery)
        const params = request.params as Record<string, string>
        const result = await spec.handler({ caller, params, body, query, request, reply })
        if (reply.sent) return reply
        if (result === undefined && (spec.status ?? 200) === 204) return reply.status(204).send()
        return reply.status(reply.statusCode !== 200 ? reply.statusCode : (spec.status ?? 200)).send(result)
      },
    })
  }

  /** Registers a route outside the JSON pattern (health, OpenAPI); it still shows in the OpenAPI document. */
  note(info: Omit<RouteInfo, 'auth'> & { auth?: boolean }): void {
    this.routes.push({ ...info, auth: info.auth ?? false })
  }

  async authenticate(request: FastifyRequest): Promise<Caller> {
    const header = request.headers.authorization
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
    const principal = await this.#service.identity.authenticate(m?.[1])
    const requestId = headerValue(request.headers['x-request-id'])
    const signature = headerValue(request.headers['x-dock-signature'])
    return {
      principal,
      requestId: requestId !== null && requestId.length <= 128 ? requestId : request.id,
      signature,
      signedPayload: signature === null ? null : `${request.method} ${request.url}\n${request.rawBody ?? ''}`,
    }
  }
}

function headerValue(v: string | string[] | undefined): string | null {
  if (v === undefined) return null
  return Array.isArray(v) ? (v[0] ?? null) : v
}

function parse<T>(schema: z.ZodType<T>, input: unknown, where: string): T {
  const result = schema.safeParse(input)
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${where}${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`)
    throw new DockError('invalid_input', problems.join('; '), { details: { problems } })
  }
  return result.data
}

/** `If-Match: "3"` (or W/"3", or 3) → 3; absent → undefined; anything else is invalid. */
export function parseIfMatch(request: FastifyRequest): number | undefined {
  const raw = headerValue(request.headers['if-match'])
  if (raw === null) return undefined
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(raw)
  if (m === null) throw new DockError('invalid_input', 'If-Match must be a version ETag such as "3"')
  return Number(m[1])
}

export function listParam(v: string | undefined): string[] | undefined {
  if (v === undefined || v === '') return undefined
  return v.split(',').map((s) => s.trim()).filter((s) => s !== '')
}
