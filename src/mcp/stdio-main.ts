/**
 * Entry point for a stdio MCP server configured from the environment:
 * DOCK_URL (default http://127.0.0.1:4747), DOCK_TOKEN (required),
 * DOCK_WORKSPACE (default: the key's own workspace).
 *
 *   DOCK_TOKEN=… npx tsx src/mcp/stdio-main.ts
 */
import { runMcpStdio } from './stdio.js'

const token = process.env['DOCK_TOKEN']
if (!token) {
  process.stderr.write("dock mcp: set DOCK_TOKEN to the agent's key\n")
  process.exit(2)
}
const handle = await runMcpStdio({
  url: process.env['DOCK_URL'] || 'http://127.0.0.1:4747',
  token,
  workspace: process.env['DOCK_WORKSPACE'] || undefined,
})
const stop = (): void => {
  void handle.close().finally(() => process.exit(0))
}
process.stdin.on('end', stop)
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
