import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { DockClient } from '../client/dock-client.js'
import { createDockMcpServer } from './dock-mcp-server.js'

export interface McpStdioOptions {
  /** Dock server root, e.g. http://127.0.0.1:4747. */
  readonly url: string
  readonly token: string
  /** Workspace id or name; by default the key's own workspace (asked of `/me`). */
  readonly workspace?: string | undefined
}

export interface McpStdioHandle {
  readonly workspace: string
  close(): Promise<void>
}

/**
 * Serves the Dock MCP tools over this process's stdin/stdout (what `dock mcp`
 * runs). stdout belongs to the protocol: anything else goes to stderr.
 */
export async function runMcpStdio(options: McpStdioOptions): Promise<McpStdioHandle> {
  let client = new DockClient({ baseUrl: options.url, token: options.token, workspace: options.workspace })
  if (options.workspace === undefined) {
    try {
      const me = await client.me()
      client = client.withWorkspace(me.workspace.name)
    } catch (err) {
      // Start anyway: tool calls will report the refusal (or the server comes up later).
      process.stderr.write(
        `dock mcp: could not ask ${options.url} who this key is (${String(err)}); using workspace "default"\n`,
      )
    }
  }
  // stdio is a standing channel to the client: resource-updated notifications can ride it.
  const dock = createDockMcpServer(client, { subscriptions: true })
  const transport = new StdioServerTransport()
  await dock.server.connect(transport)
  return { workspace: client.workspace, close: () => dock.close() }
}
