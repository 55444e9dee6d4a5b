import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DockFixture } from '../helpers/test-world.js'
import { startFixture, tasksTable } from '../helpers/test-world.js'

type ToolReply = { isError?: boolean; content: { type: string; text?: string }[] }

describe('MCP: notes and the history row filter', () => {
  let fx: DockFixture
  let client: Client
  let agentId: string

  beforeAll(async () => {
    fx = await startFixture()
    await fx.op.createTable(tasksTable())
    const agent = await fx.principal('mcp-noter', ['member'])
    agentId = agent.id
    const transport = new StreamableHTTPClientTransport(new URL(`${fx.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${agent.key}` } },
    })
    client = new Client({ name: 'dock-test', version: '0.0.0' })
    await client.connect(transport)
  })
  afterAll(async () => {
    await client?.close()
    await fx?.close()
  })

  const call = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const r = (await client.callTool({ name, arguments: args })) as ToolReply
    if (r.isError) throw new Error(`${name}: ${r.content[0]?.text}`)
    return JSON.parse(r.content[0]!.text!) as Record<string, unknown>
  }

  it("adds a note as the agent and reads the row's notes back", async () => {
    const row = await fx.op.createRow('tasks', { values: { title: 'ask' } })
    const added = await call('notes', { table: 'tasks', id: row.id, text: 'Which API version?' })
    expect(added['note']).toMatchObject({ actor: agentId, text: 'Which API version?' })
    await fx.op.addNote('tasks', row.id, 'v1')
    const read = await call('notes', { table: 'tasks', id: row.id })
    expect((read['notes'] as { text: string }[]).map((n) => n.text)).toEqual(['Which API version?', 'v1'])
    expect((await fx.op.notes('tasks', row.id)).items[0]).toMatchObject({ actor: agentId })
  })

  it('history takes a row filter', async () => {
    const a = await fx.op.createRow('tasks', { values: { title: 'a' } })
    await fx.op.createRow('tasks', { values: { title: 'b' } })
    const log = await call('history', { row: a.id })
    const events = log['events'] as { type: string }[]
    expect(events.map((e) => e.type)).toEqual(['row.created'])
  })
})
