import type { FastifyInstance, HTTPMethods } from 'fastify'

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

/**
 * A `fetch` that calls a Fastify app in-process through `app.inject`: the
 * MCP endpoint's DockClient goes through the very same routes, auth and
 * validation as a remote client, without a socket. Streaming replies (SSE)
 * are not supported: inject buffers the whole reply.
 */
export function createInjectFetch(app: FastifyInstance): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      headers[name] = value
    })
    const reply = await app.inject({
      method: request.method as HTTPMethods,
      url: `${url.pathname}${url.search}`,
      headers,
      ...(payload ? { payload } : {}),
    })
    const responseHeaders = new Headers()
    for (const [name, value] of Object.entries(reply.headers)) {
      if (value === undefined) continue
      if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v)
      else responseHeaders.set(name, String(value))
    }
    const body = NULL_BODY_STATUSES.has(reply.statusCode) ? null : new Uint8Array(reply.rawPayload)
    return new Response(body, { status: reply.statusCode, headers: responseHeaders })
  }
}
