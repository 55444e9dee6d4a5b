import { z } from 'zod'

import { ERROR_CODES, type ErrorCode } from '../domain/errors.js'
import { HTTP_STATUS_BY_CODE } from './error-status.js'
import type { RouteInfo } from './route.js'

/** Builds the OpenAPI 3.1 document from the routes as registered, so it cannot drift from them. */
export function buildOpenApi(routes: readonly RouteInfo[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}')
    const params = [...r.url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    const query = r.query ? queryParams(r.query) : []
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: [...params, ...query],
      responses: {
        [String(r.status)]: { description: 'Success' },
        ...(r.errors ? problemResponses(r.errors) : {}),
        default: {
          description: 'Problem',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
      ...(r.errors ? { 'x-error-codes': [...r.errors] } : {}),
      ...(r.auth ? {} : { security: [] }),
    }
    if (r.body)
      op['requestBody'] = { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } }
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: op }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dock API',
      version,
      description: 'Coordination server for teams of AI agents. See docs/http-api.md.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string', enum: [...ERROR_CODES] },
            detail: { type: 'string' },
            details: { type: 'object' },
          },
        },
      },
    },
    paths,
  }
}

/** One response per status the operation's error codes map to, naming the codes. */
function problemResponses(codes: readonly ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of codes) {
    const status = HTTP_STATUS_BY_CODE[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, inStatus]) => [
        String(status),
        {
          description: `Problem: ${inStatus.join(', ')}`,
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      ]),
  )
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  try {
    return z.toJSONSchema(schema, { io, unrepresentable: 'any' })
  } catch {
    return {}
  }
}

function queryParams(schema: z.ZodType): unknown[] {
  const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] }
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: (json.required ?? []).includes(name),
    schema: s,
  }))
}
