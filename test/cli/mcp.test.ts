import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { dock, json, startCliServer, type CliServer } from './cli-harness.js'

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

  describe('dock mcp config', () => {
    const env = { DOCK_URL: 'http://127.0.0.1:4747', DOCK_TOKEN: 'dock_agentkey' }
    const dockJs = join(root, 'bin', 'dock.js')

    it('prints the Claude Code command: stdio through node and the absolute bin/dock.js, or HTTP with the bearer header', async () => {
      const stdio = await dock(['mcp', 'config', 'claude'], { env })
      expect(stdio.code).toBe(0)
      expect(stdio.stdout).toBe(
        `claude mcp add dock --env DOCK_URL=http://127.0.0.1:4747 --env DOCK_TOKEN=dock_agentkey -- ${process.execPath} ${dockJs} mcp\n`,
      )
      const http = await dock(['mcp', 'config', 'claude', '--http'], { env })
      expect(http.stdout).toBe(
        `claude mcp add --transport http dock http://127.0.0.1:4747/mcp --header 'Authorization: Bearer dock_agentkey'\n`,
      )
    })

    it('prints the Codex [mcp_servers.dock] block, the HTTP one reading the key from DOCK_TOKEN', async () => {
      const stdio = await dock(['mcp', 'config', 'codex', '--workspace', 'team'], { env })
      expect(stdio.stdout).toBe(
        '# ~/.codex/config.toml\n' +
          '[mcp_servers.dock]\n' +
          `command = ${JSON.stringify(process.execPath)}\n` +
          `args = [${JSON.stringify(dockJs)}, "mcp"]\n` +
          'env = { DOCK_URL = "http://127.0.0.1:4747", DOCK_TOKEN = "dock_agentkey", DOCK_WORKSPACE = "team" }\n',
      )
      const http = await dock(['mcp', 'config', 'codex', '--http'], { env })
      expect(http.stdout).toContain(
        '[mcp_servers.dock]\nurl = "http://127.0.0.1:4747/mcp"\nbearer_token_env_var = "DOCK_TOKEN"\n',
      )
      expect(http.stdout).toContain('export DOCK_TOKEN=dock_agentkey')
    })

    it('prints a generic .mcp.json for stdio and for HTTP', async () => {
      const http = json<{ mcpServers: Record<string, unknown> }>(
        await dock(['mcp', 'config', 'json', '--http', '--name', 'crew'], { env }),
      )
      expect(http.mcpServers).toEqual({
        crew: { type: 'http', url: 'http://127.0.0.1:4747/mcp', headers: { Authorization: 'Bearer dock_agentkey' } },
      })
      const stdio = json<{ mcpServers: Record<string, unknown> }>(await dock(['mcp', 'config', 'json'], { env }))
      expect(stdio.mcpServers).toEqual({
        dock: {
          type: 'stdio',
          command: process.execPath,
          args: [dockJs, 'mcp'],
          env: { DOCK_URL: 'http://127.0.0.1:4747', DOCK_TOKEN: 'dock_agentkey' },
        },
      })
    })

    it('refuses an unknown client and a missing key', async () => {
      const unknown = await dock(['mcp', 'config', 'cursorish'], { env })
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toMatch(/^error usage: unknown MCP client "cursorish"/)
      const keyless = await dock(['mcp', 'config', 'claude'], { env: { DOCK_URL: env.DOCK_URL } })
      expect(keyless.code).toBe(4)
      expect(keyless.stderr).toMatch(/^error missing_token: /)
    })

    // Needs dist/ (bin/dock.js runs the build): npx tsc -p tsconfig.build.json.
    it('the printed stdio .mcp.json starts a working server, with no dock on the PATH', async () => {
      const agent = json<{ key: string; principal: { id: string } }>(
        await srv.run(['principal', 'add', 'mcp-config-agent', '--json']),
      )
      const config = json<{ mcpServers: { dock: { command: string; args: string[]; env: Record<string, string> } } }>(
        await dock(['mcp', 'config', 'json'], { env: { DOCK_URL: srv.url, DOCK_TOKEN: agent.key } }),
      )
      const server = config.mcpServers.dock
      const transport = new StdioClientTransport({
        command: server.command,
        args: server.args,
        // What an MCP client passes: the snippet's env, a PATH without dock on it.
        env: { ...server.env, PATH: '/nonexistent' },
        stderr: 'pipe',
      })
      const client = new Client({ name: 'dock-config-test', version: '0.0.0' })
      await client.connect(transport)
      try {
        const result = await client.callTool({ name: 'whoami', arguments: {} })
        const me = JSON.parse((result.content as { text: string }[])[0]!.text) as { id: string; name: string }
        expect(me).toMatchObject({ id: agent.principal.id, name: 'mcp-config-agent' })
      } finally {
        await client.close()
      }
    })
  })

  it('refuses to start without a key', async () => {
    const result = await srv.run(['mcp'], '')
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(/^error missing_token: /)
  })
})
