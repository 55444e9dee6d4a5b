import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DockFixture } from '../client/dock-server-fixture.js'
import { startFixture } from '../client/dock-server-fixture.js'
import { runMcpToolCases } from './mcp-tools.case.js'

async function connectHttp(url: string, key: string): Promise<{ client: Client; close(): Promise<void> }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  })
  const client = new Client({ name: 'dock-test', version: '0.0.0' })
  await client.connect(transport)
  return { client, close: () => client.close() }
}

runMcpToolCases({ transport: 'Streamable HTTP', connect: connectHttp })

describe('MCP endpoint /mcp', () => {
  let fx: DockFixture
  beforeAll(async () => {
    fx = await startFixture()
  })
  afterAll(async () => {
    await fx?.close()
  })

  it('refuses a missing or unknown key with 401 before speaking MCP', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } } }
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
    const anonymous = await fetch(`${fx.url}/mcp`, { method: 'POST', headers, body: JSON.stringify(init) })
    expect(anonymous.status).toBe(401)
    expect(((await anonymous.json()) as { code: string }).code).toBe('unauthorized')
    const wrong = await fetch(`${fx.url}/mcp`, { method: 'POST', headers: { ...headers, authorization: 'Bearer nope' }, body: JSON.stringify(init) })
    expect(wrong.status).toBe(401)
    await expect(connectHttp(fx.url, 'nope')).rejects.toThrow()
  })

  it('answers GET and DELETE with 405 in stateless mode', async () => {
    const get = await fetch(`${fx.url}/mcp`, { headers: { authorization: 'Bearer op-secret', accept: 'text/event-stream' } })
    expect(get.status).toBe(405)
    const del = await fetch(`${fx.url}/mcp`, { method: 'DELETE', headers: { authorization: 'Bearer op-secret' } })
    expect(del.status).toBe(405)
  })

  it('acts in the workspace the key belongs to', async () => {
    const created = await fx.op.createWorkspace('mcp-annex')
    const conn = await connectHttp(fx.url, created.operator.key)
    try {
      const { content } = (await conn.client.callTool({ name: 'read_doc', arguments: {} })) as { content: { type: string; text?: string }[] }
      expect(content[0]?.text).toContain('"docs": []')
      await fx.op.createDoc({ title: 'only-in-default', content: '# x\n' })
      const again = (await conn.client.callTool({ name: 'read_doc', arguments: {} })) as { content: { type: string; text?: string }[] }
      expect(again.content[0]?.text).not.toContain('only-in-default')
    } finally {
      await conn.close()
    }
  })
})
