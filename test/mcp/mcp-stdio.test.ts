import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { runMcpToolCases } from './mcp-tools.case.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

runMcpToolCases({
  transport: 'stdio',
  subscriptions: true,
  async connect(url, key) {
    const transport = new StdioClientTransport({
      // tsx straight from node_modules: `npx` would add a resolution step to every spawn.
      command: join(root, 'node_modules', '.bin', 'tsx'),
      args: [join(root, 'src', 'mcp', 'stdio-main.ts')],
      env: { ...(process.env as Record<string, string>), DOCK_URL: url, DOCK_TOKEN: key },
      stderr: 'inherit',
      cwd: root,
    })
    const client = new Client({ name: 'dock-test', version: '0.0.0' })
    await client.connect(transport)
    return { client, close: () => client.close() }
  },
})
