import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { json, startCliServer, type CliServer } from './cli-harness.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

describe('dock mcp', () => {
  let srv: CliServer

  beforeAll(async () => {
    srv = await startCliServer()
    expect((await srv.run(['table', 'create', 'tasks', '-c', 'title:text!'])).code).toBe(0)
  })

  afterAll(async () => {
    await srv.close()
  })

  it('serves the Dock tools over stdio for the key it was given', async () => {
    const agent = json<{ key: string }>(await srv.run(['principal', 'add', 'mcp-agent', '--json']))
    const transport = new StdioClientTransport({
      command: join(root, 'node_modules', '.bin', 'tsx'),
      args: [join(root, 'src', 'cli', 'main.ts'), 'mcp', '--url', srv.url],
      env: { ...(process.env as Record<string, string>), DOCK_TOKEN: agent.key, DOCK_URL: '', DOCK_WORKSPACE: '' },
      stderr: 'pipe',
      cwd: root,
    })
    const client = new Client({ name: 'dock-cli-test', version: '0.0.0' })
    await client.connect(transport)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list_tables', 'claim_next']))
      const result = await client.callTool({ name: 'list_tables', arguments: {} })
      expect(JSON.stringify(result.content)).toContain('tasks')
    } finally {
      await client.close()
    }
  })

  it('refuses to start without a key', async () => {
    const result = await srv.run(['mcp'], '')
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(/^error missing_token: /)
  })
})
