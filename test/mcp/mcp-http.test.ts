import { request } from 'node:http'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DockFixture } from '../helpers/test-world.js'
import { OPERATOR_KEY, startFixture } from '../helpers/test-world.js'
import { allowedHostnames, checkHostAndOrigin } from '../../src/mcp/host-check.js'
import { runMcpToolCases } from './mcp-tools.case.js'

async function connectHttp(url: string, key: string): Promise<{ client: Client; close(): Promise<void> }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  })
  const client = new Client({ name: 'dock-test', version: '0.0.0' })
  await client.connect(transport)
  return { client, close: () => client.close() }
}

runMcpToolCases({ transport: 'Streamable HTTP', subscriptions: false, connect: connectHttp })

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } },
}
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }

interface RawReply {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/** A POST with exactly these headers: fetch would not let a test set Host. */
function rawPost(url: string, headers: Record<string, string>, body: unknown): Promise<RawReply> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

describe('MCP endpoint /mcp', () => {
  let fx: DockFixture
  let host: string
  beforeAll(async () => {
    fx = await startFixture()
    host = new URL(fx.url).host
  })
  afterAll(async () => {
    await fx?.close()
  })

  // What the MCP conformance suite's dns-rebinding-protection scenario checks
  // (@modelcontextprotocol/conformance, server/dns-rebinding): Host and Origin
  // of an attacker's name are refused with a 4xx, a loopback Host is accepted
  // for initialize and for the initialized notification. Here with a valid
  // key, which is how the inspector got its 200.
  it('refuses a rebinding attempt (Host evil.example.com with a matching Origin) with 403, key or not', async () => {
    const evil = { host: 'evil.example.com', origin: 'http://evil.example.com' }
    const withKey = await rawPost(
      `${fx.url}/mcp`,
      { ...MCP_HEADERS, ...evil, authorization: `Bearer ${OPERATOR_KEY}` },
      INIT,
    )
    expect(withKey.status).toBe(403)
    expect(JSON.parse(withKey.body)).toMatchObject({ code: 'forbidden' })
    // Checked before the key: a rebinding page cannot even probe keys.
    const withoutKey = await rawPost(`${fx.url}/mcp`, { ...MCP_HEADERS, ...evil }, INIT)
    expect(withoutKey.status).toBe(403)
    const evilPort = await rawPost(
      `${fx.url}/mcp`,
      { ...MCP_HEADERS, host: 'evil.example.com:4747', authorization: `Bearer ${OPERATOR_KEY}` },
      INIT,
    )
    expect(evilPort.status).toBe(403)
  })

  it('refuses a foreign Origin even with a loopback Host', async () => {
    const reply = await rawPost(
      `${fx.url}/mcp`,
      { ...MCP_HEADERS, host, origin: 'http://evil.example.com', authorization: `Bearer ${OPERATOR_KEY}` },
      INIT,
    )
    expect(reply.status).toBe(403)
  })

  it('accepts loopback Host and Origin: initialize 200, then the initialized notification 2xx', async () => {
    for (const name of [host, `localhost:${new URL(fx.url).port}`]) {
      const headers = {
        ...MCP_HEADERS,
        host: name,
        origin: `http://${name}`,
        authorization: `Bearer ${OPERATOR_KEY}`,
      }
      const init = await rawPost(`${fx.url}/mcp`, headers, INIT)
      expect(init.status).toBe(200)
      expect(JSON.parse(init.body)).toMatchObject({ result: { serverInfo: { name: 'dock' } } })
      const initialized = await rawPost(`${fx.url}/mcp`, headers, {
        jsonrpc: '2.0',
        method: 'notifications/initialized',
      })
      expect(initialized.status).toBeGreaterThanOrEqual(200)
      expect(initialized.status).toBeLessThan(300)
    }
  })

  it('derives the allow-list from loopback, the listen host and the configured names', () => {
    expect(allowedHostnames('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '[::1]'])
    expect(allowedHostnames('0.0.0.0', ['dock.lan', 'Build-Box:4747'])).toEqual([
      'localhost',
      '127.0.0.1',
      '[::1]',
      'dock.lan',
      'build-box',
    ])
    expect(allowedHostnames('::1')).toEqual(['localhost', '127.0.0.1', '[::1]'])
    expect(allowedHostnames('10.0.0.5')).toContain('10.0.0.5')
    expect(allowedHostnames('0.0.0.0', ['*'])).toBe('*')
    const allowed = allowedHostnames('0.0.0.0', ['dock.lan'])
    expect(checkHostAndOrigin({ host: 'dock.lan:4747', origin: 'https://dock.lan' }, allowed)).toBeNull()
    expect(checkHostAndOrigin({ host: '[::1]:4747' }, allowed)).toBeNull()
    expect(checkHostAndOrigin({ host: 'evil.example.com' }, allowed)).toMatch(/Host/)
    expect(checkHostAndOrigin({ host: 'dock.lan', origin: 'null' }, allowed)).toMatch(/Origin/)
    expect(checkHostAndOrigin({}, allowed)).toMatch(/missing Host/)
    expect(checkHostAndOrigin({ host: 'evil.example.com' }, '*')).toBeNull()
  })

  // What the conformance suite's auth scenarios look for first: a 401 that names the Bearer scheme.
  it('refuses a missing or unknown key with 401 and WWW-Authenticate: Bearer before speaking MCP', async () => {
    const anonymous = await fetch(`${fx.url}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(INIT) })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="dock"')
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json')
    expect(((await anonymous.json()) as { code: string }).code).toBe('unauthorized')
    const wrong = await fetch(`${fx.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: 'Bearer nope' },
      body: JSON.stringify(INIT),
    })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="dock", error="invalid_token"')
    const notBearer = await fetch(`${fx.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization: 'Basic b3A6c2VjcmV0' },
      body: JSON.stringify(INIT),
    })
    expect(notBearer.status).toBe(401)
    expect(notBearer.headers.get('www-authenticate')).toMatch(/^Bearer\b/)
    await expect(connectHttp(fx.url, 'nope')).rejects.toThrow()
  })

  it('answers GET and DELETE with 405 in stateless mode', async () => {
    const get = await fetch(`${fx.url}/mcp`, {
      headers: { authorization: 'Bearer op-secret', accept: 'text/event-stream' },
    })
    expect(get.status).toBe(405)
    const del = await fetch(`${fx.url}/mcp`, { method: 'DELETE', headers: { authorization: 'Bearer op-secret' } })
    expect(del.status).toBe(405)
  })

  it('acts in the workspace the key belongs to', async () => {
    const created = await fx.op.createWorkspace('mcp-annex')
    const conn = await connectHttp(fx.url, created.operator.key)
    try {
      const { content } = (await conn.client.callTool({ name: 'read_doc', arguments: {} })) as {
        content: { type: string; text?: string }[]
      }
      expect(JSON.parse(content[0]?.text ?? '')).toEqual({ docs: [] })
      await fx.op.createDoc({ title: 'only-in-default', content: '# x\n' })
      const again = (await conn.client.callTool({ name: 'read_doc', arguments: {} })) as {
        content: { type: string; text?: string }[]
      }
      expect(again.content[0]?.text).not.toContain('only-in-default')
    } finally {
      await conn.close()
    }
  })
})
