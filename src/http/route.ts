import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'

import type { Operation } from '../api/operation.js'
import { DockError, type ErrorCode } from '../domain/errors.js'
import type { Caller, DockService } from '../service/dock-service.js'

/** The authenticated principal as the service hands it to edges (the edge never names storage types). */
type PrincipalRecord = Caller['principal']

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RouteContext<TBody, TQuery> {
  readonly caller: Caller
  readonly params: Record<string, string>
  readonly body: TBody
  readonly query: TQuery
  readonly request: FastifyRequest
  readonly reply: FastifyReply
}

/** What a schema of an operation parses to; `undefined` where the operation has none. */
type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined

export interface RouteSpec<TOp extends Operation> {
  readonly method: HttpMethod
  /** Fastify path under the server root, e.g. `/v1/workspaces/:ws`. */
  readonly url: string
  readonly summary: string
  readonly tag: string
  /** The operation's contract (src/api): body and query schemas, the error codes it may return. */
  readonly operation: TOp
  /** Status of a successful reply (200 unless given). */
  readonly status?: number
  readonly handler: (ctx: RouteContext<Parsed<TOp['body']>, Parsed<TOp['query']>>) => Promise<Reply<TOp>>
}

/**
 * What a handler may return: the operation's wire type when the contract names one (so the
 * service's reply cannot drift from what the SDK declares), the reply when it sent its own, or
 * nothing for a 204.
 */
type Reply<TOp extends Operation> = unknown extends TOp['output']
  ? unknown
  : Exclude<TOp['output'], undefined> | FastifyReply | undefined

/** What the OpenAPI document is built from: every route registers itself here. */
export interface RouteInfo {
  readonly method: HttpMethod
  readonly url: string
  readonly summary: string
  readonly tag: string
  readonly status: number
  readonly body?: z.ZodType
  readonly query?: z.ZodType
  readonly errors?: readonly ErrorCode[]
  readonly auth: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string
    /** Set by the route's onRequest hook, before the body is read. */
    dockPrincipal?: PrincipalRecord
  }
}

/** What a route without a body schema accepts: nothing, or an empty JSON object. */
const NO_BODY = z.strictObject({})

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

  add<TOp extends Operation>(spec: RouteSpec<TOp>): void {
    type TBody = Parsed<TOp['body']>
    type TQuery = Parsed<TOp['query']>
    const { body: bodySchema, query: querySchema, errors } = spec.operation
    this.routes.push({
      method: spec.method,
      url: spec.url,
      summary: spec.summary,
      tag: spec.tag,
      status: spec.status ?? 200,
      auth: true,
      errors,
      ...(bodySchema ? { body: bodySchema } : {}),
      ...(querySchema ? { query: querySchema } : {}),
    })
    this.#app.route({
      method: spec.method,
      url: spec.url,
      // The key is checked before the body is read: a client without a valid key cannot hold
      // a connection (and a body buffer) open by trickling its body in.
      onRequest: async (request, reply) => {
        try {
          request.dockPrincipal = await this.#principalOf(request)
        } catch (err) {
          // Refused with the body still arriving: close the connection after the reply
          // instead of reading the rest of the body to keep the socket alive.
          if (bodyFollows(request)) void reply.header('connection', 'close')
          throw err
        }
      },
      handler: async (request, reply) => {
        const caller = await this.authenticate(request)
        // Strict everywhere: a route that takes no body refuses one, rather than acting on an array or stray fields.
        // No body is an empty object; `null` is a body, and not an object.
        const raw = request.body === undefined ? {} : request.body
        if (bodySchema === undefined) parse(NO_BODY, raw, 'body')
        const body = (bodySchema ? parse(bodySchema, raw, 'body') : undefined) as TBody
        const query = (querySchema ? parse(querySchema, request.query ?? {}, 'query') : undefined) as TQuery
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

  /** The caller of a request; reuses the principal the onRequest hook authenticated, if it ran. */
  async authenticate(request: FastifyRequest): Promise<Caller> {
    const principal = request.dockPrincipal ?? (await this.#principalOf(request))
    const requestId = headerValue(request.headers['x-request-id'])
    const signature = headerValue(request.headers['x-dock-signature'])
    return {
      principal,
      requestId: requestId !== null && requestId.length <= 128 ? requestId : request.id,
      signature,
      signedPayload: signature === null ? null : `${request.method} ${request.url}\n${request.rawBody ?? ''}`,
    }
  }

  #principalOf(request: FastifyRequest): Promise<PrincipalRecord> {
    const header = request.headers.authorization
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
    return this.#service.identity.authenticate(m?.[1])
  }
}

function bodyFollows(request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

function headerValue(v: string | string[] | undefined): string | null {
  if (v === undefined) return null
  return Array.isArray(v) ? (v[0] ?? null) : v
}

function parse<T>(schema: z.ZodType<T>, input: unknown, where: string): T {
  const result = schema.safeParse(input)
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${where}${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`,
    )
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
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}
