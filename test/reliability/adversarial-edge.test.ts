/**
 * The HTTP edge under hostile or unlucky clients (issue "Permissions and
 * hardening", findings 5 and 7): a long-poll or an MCP wait opened before its
 * principal is suspended, on this node or another; a flood of connections that
 * trickle a body in with a bogus key; slow headers and bodies with a good key;
 * one principal opening streams without end. Every loop here is bounded by
 * count and time, talks to 127.0.0.1 only, and cleans up after itself.
 */
import { connect, type Socket } from 'node:net'

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  createAgent,
  describeTwoNodes,
  makeApi,
  OPERATOR_KEY,
  startTestServer,
  startTwoNodes,
  tasksTable,
  twoNodeTitle,
  type TestServer,
  type TwoNodes,
} from '../helpers/test-world.js'

const W = '/v1/workspaces/default'

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `done` until it holds or `ms` pass; the bound keeps a broken server from hanging the suite. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (!done() && Date.now() < end) await sleep(20)
  return done()
}

/** A raw client that sends `head` (and optional body bytes), then reports what the server said and whether it closed. */
interface RawClient {
  readonly socket: Socket
  response: string
  closed: boolean
}

function rawClient(port: number, head: string): RawClient {
  const socket = connect(port, '127.0.0.1')
  const client: RawClient = { socket, response: '', closed: false }
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (client.response += chunk))
  socket.on('error', () => undefined)
  socket.on('close', () => (client.closed = true))
  socket.write(head)
  return client
}

describe('suspension ends waits opened before it', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer()
    await server.op('POST', `${W}/tables`, tasksTable())
  })
  afterAll(() => server.close())

  it('a long-poll (events?wait=20) opened before the suspension is refused, not handed the row written after it', async () => {
    const agent = await createAgent(server, 'poller-to-suspend')
    const since = (await server.op('GET', W)).body.revision as number
    const poll = agent.api('GET', `${W}/events?since=${since}&wait=20&table=tasks`)
    await sleep(150)
    expect((await server.op('POST', `${W}/principals/${agent.id}/suspend`)).status).toBe(200)
    expect(
      (await server.op('POST', `${W}/tables/tasks/rows`, { values: { title: 'written after the suspension' } })).status,
    ).toBe(201)
    const res = await poll
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('principal_suspended')
  })

  it("the service's own wait (what MCP wait_for_events and the SSE loop use) ends with principal_suspended", async () => {
    const agent = await createAgent(server, 'service-waiter')
    const principal = await server.service.identity.authenticate(agent.key)
    const since = (await server.op('GET', W)).body.revision as number
    const waiting = server.service.events
      .listEvents({ principal, requestId: null, signature: null, signedPayload: null }, 'default', {
        since,
        limit: 10,
        filter: { tables: ['tasks'] },
        waitMs: 20_000,
      })
      .then(
        (page) => ({ page, code: null as string | null }),
        (err: { code?: string }) => ({ page: null, code: err.code ?? 'thrown' }),
      )
    await sleep(100)
    await server.op('POST', `${W}/principals/${agent.id}/suspend`)
    await server.op('POST', `${W}/tables/tasks/rows`, { values: { title: 'not for the suspended' } })
    expect(await waiting).toEqual({ page: null, code: 'principal_suspended' })
  })

  it('an MCP wait_for_events over Streamable HTTP opened before the suspension ends with principal_suspended', async () => {
    const agent = await createAgent(server, 'mcp-waiter')
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${agent.key}` } },
    })
    const client = new Client({ name: 'adversarial-edge', version: '0.0.0' })
    await client.connect(transport)
    try {
      const since = (await server.op('GET', W)).body.revision as number
      const waiting = client.callTool({
        name: 'wait_for_events',
        arguments: { since, wait: 20, table: 'tasks' },
      }) as Promise<CallToolResult>
      await sleep(200)
      await server.op('POST', `${W}/principals/${agent.id}/suspend`)
      await server.op('POST', `${W}/tables/tasks/rows`, { values: { title: 'not for the suspended either' } })
      const result = await waiting
      expect(result.isError).toBe(true)
      expect(JSON.stringify(result.content)).toContain('principal_suspended')
      expect(JSON.stringify(result.content)).not.toContain('not for the suspended either')
    } finally {
      await client.close()
    }
  })
})

describeTwoNodes(twoNodeTitle('suspension on another node ends waits here'), () => {
  let nodes: TwoNodes

  beforeAll(async () => {
    nodes = await startTwoNodes('edge_susp')
  })
  afterAll(async () => {
    await nodes?.close()
  })

  it('a long-poll on node A ends with principal_suspended when node B suspends its principal', async () => {
    const opA = makeApi(nodes.a.url, OPERATOR_KEY)
    const opB = makeApi(nodes.b.url, OPERATOR_KEY)
    await opA('POST', `${W}/tables`, tasksTable())
    const created = await opA('POST', `${W}/principals`, { name: 'remote-poller', kind: 'agent' })
    const key = created.body.key as string
    const since = (await opA('GET', W)).body.revision as number
    const poll = fetch(`${nodes.a.url}${W}/events?since=${since}&wait=20&table=tasks`, {
      headers: { authorization: `Bearer ${key}` },
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as any,
    }))
    await sleep(200)
    expect((await opB('POST', `${W}/principals/${created.body.principal.id}/suspend`)).status).toBe(200)
    expect((await opB('POST', `${W}/tables/tasks/rows`, { values: { title: 'after, on B' } })).status).toBe(201)
    const res = await poll
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('principal_suspended')
  })
})

describe('slow and keyless clients cannot lock others out', () => {
  let server: TestServer
  const open: RawClient[] = []

  beforeAll(async () => {
    // Short timeouts so the test is quick; the mechanism is the same at the defaults (10 s, 30 s).
    server = await startTestServer({ headersTimeoutMs: 500, requestTimeoutMs: 1000 })
  })
  afterAll(async () => {
    for (const c of open) c.socket.destroy()
    await server.close()
  })

  it('200 connections trickling a body with a bogus key are refused at their headers and closed; 10 new clients are served meanwhile', async () => {
    const N = 200
    for (let i = 0; i < N; i++) {
      const c = rawClient(
        server.port,
        `POST ${W}/tables HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer bogus-${i}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":"`,
      )
      open.push(c)
    }
    // Keep trickling (one byte every 100 ms) on whatever the server leaves open, for at most 5 s.
    const trickle = setInterval(() => {
      for (const c of open) if (!c.closed && c.socket.writable) c.socket.write('x')
    }, 100)
    try {
      const served = await Promise.all(
        Array.from({ length: 10 }, () => server.op('GET', '/v1/me').then((r) => r.status)),
      )
      expect(served).toEqual(Array(10).fill(200))
      // The body is 100,000 bytes and at most ~50 of them arrived: the server answered without reading it.
      expect(await until(() => open.every((c) => c.closed), 5_000)).toBe(true)
      expect(open.filter((c) => /^HTTP\/1\.1 401 /.test(c.response))).toHaveLength(N)
      expect(open.every((c) => c.response.includes('"code":"unauthorized"'))).toBe(true)
    } finally {
      clearInterval(trickle)
    }
    expect((await server.op('GET', '/v1/me')).status).toBe(200)
  })

  it('a client with a good key that stops sending its body is answered 408 and closed once the request timeout passes', async () => {
    const c = rawClient(
      server.port,
      `POST ${W}/tables HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${OPERATOR_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
    )
    open.push(c)
    expect(await until(() => c.closed, 10_000)).toBe(true)
    expect(c.response).toMatch(/^HTTP\/1\.1 408 /)
    expect(c.response).toContain('"code":"request_timeout"')
  })

  it('a client that never finishes its headers is answered 408 and closed once the headers timeout passes', async () => {
    const c = rawClient(server.port, `GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriz`)
    open.push(c)
    expect(await until(() => c.closed, 10_000)).toBe(true)
    expect(c.response).toMatch(/^HTTP\/1\.1 408 /)
    expect(c.response).toContain('"code":"request_timeout"')
  })
})

describe('open streams per principal are capped', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer({ maxStreamsPerPrincipal: 3 })
  })
  afterAll(() => server.close())

  it('past the cap, watches and long-polls are refused with 429 too_many_streams; others are still served; a closed stream frees its slot', async () => {
    const greedy = await createAgent(server, 'greedy')
    const aborts: AbortController[] = []
    const watch = async (key: string): Promise<Response> => {
      const abort = new AbortController()
      aborts.push(abort)
      return fetch(`${server.url}${W}/watch`, { headers: { authorization: `Bearer ${key}` }, signal: abort.signal })
    }
    try {
      const first = [await watch(greedy.key), await watch(greedy.key)]
      expect(first.map((r) => r.status)).toEqual([200, 200])
      // A long-poll counts like a stream: the third slot.
      const poll = greedy.api('GET', `${W}/events?wait=20&type=nothing.ever`)
      await sleep(100)
      const refused = await watch(greedy.key)
      expect(refused.status).toBe(429)
      expect(((await refused.json()) as { code: string }).code).toBe('too_many_streams')
      const refusedPoll = await greedy.api('GET', `${W}/events?wait=5`)
      expect(refusedPoll.status).toBe(429)
      expect(refusedPoll.body.code).toBe('too_many_streams')
      // A plain read is not a stream, and other principals have their own slots.
      expect((await greedy.api('GET', `${W}/events?limit=1`)).status).toBe(200)
      expect((await watch(OPERATOR_KEY)).status).toBe(200)
      // Closing one of greedy's streams gives its slot back.
      aborts[0]!.abort()
      let again = 0
      for (let i = 0; i < 50 && again !== 200; i++) {
        await sleep(50)
        const r = await watch(greedy.key)
        again = r.status
        if (again !== 200) await r.body?.cancel()
      }
      expect(again).toBe(200)
      void poll
    } finally {
      for (const a of aborts) a.abort()
    }
  })
})
