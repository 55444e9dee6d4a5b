import type { Command } from 'commander'

import { DOCK_JS, MCP_CLIENTS, mcpClientConfig, type McpClientKind } from '../../client/node/mcp-config.js'
import { CliError } from '../cli-error.js'
import { globalOptions } from '../context.js'
import { untilAborted, type CliIo } from '../io.js'

/**
 * `dock mcp`: the Dock tools as a stdio MCP server for one agent's key. stdout
 * belongs to the protocol; it ends when stdin closes or on Ctrl-C.
 * `dock mcp config <client>` prints the snippet that plugs an agent client in.
 */
export function registerMcpCommand(program: Command, io: CliIo): void {
  const mcp = program
    .command('mcp')
    .description('serve the Dock tools over stdio (MCP) for the agent whose key is --token / DOCK_TOKEN')
    .addHelpText(
      'after',
      `
To plug an agent client in, print its configuration (stdio, or --http for the server's /mcp):
  dock mcp config claude     Claude Code: a "claude mcp add" command
  dock mcp config codex      Codex: a [mcp_servers.dock] block for ~/.codex/config.toml
  dock mcp config json       a generic .mcp.json
The stdio form runs "${process.execPath}" "${DOCK_JS}" mcp, so "dock" need not be on the PATH.`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      if (options.token === undefined)
        throw new CliError('missing_token', "dock mcp needs the agent's key: --token or DOCK_TOKEN")
      // Without an explicit workspace the server picks the key's own.
      const explicit =
        cmd.optsWithGlobals<{ workspace?: string }>().workspace ?? (io.env['DOCK_WORKSPACE'] || undefined)
      const { runMcpStdio } = await import('../../mcp/stdio.js')
      const handle = await runMcpStdio({ url: options.url, token: options.token, workspace: explicit })
      io.stderr(`dock mcp: serving workspace ${handle.workspace} of ${options.url} over stdio\n`)
      await Promise.race([untilAborted(io.signal), stdinEnded()])
      await handle.close()
    })

  mcp
    .command('config')
    .argument('<client>', `the MCP client: ${MCP_CLIENTS.join(', ')}`)
    .description(
      'print the configuration that connects an MCP client to Dock as the agent whose key is --token / DOCK_TOKEN',
    )
    .option('--http', "connect over Streamable HTTP to the server's /mcp instead of starting `dock mcp` over stdio")
    .option('--name <name>', 'the server name in the client', 'dock')
    .action((client: string, opts: { http?: boolean; name: string }, cmd: Command) => {
      if (!(MCP_CLIENTS as readonly string[]).includes(client)) {
        throw new CliError('usage', `unknown MCP client "${client}": one of ${MCP_CLIENTS.join(', ')}`)
      }
      const options = globalOptions(cmd, io)
      if (options.token === undefined) {
        throw new CliError(
          'missing_token',
          "dock mcp config puts the agent's key in the snippet: pass --token or set DOCK_TOKEN (dock principal add prints a key)",
        )
      }
      const explicit =
        cmd.optsWithGlobals<{ workspace?: string }>().workspace ?? (io.env['DOCK_WORKSPACE'] || undefined)
      io.stdout(
        mcpClientConfig({
          client: client as McpClientKind,
          transport: opts.http === true ? 'http' : 'stdio',
          url: options.url,
          token: options.token,
          workspace: explicit,
          node: process.execPath,
          dockJs: DOCK_JS,
          name: opts.name,
        }),
      )
    })
}

function stdinEnded(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.once('end', resolve)
    process.stdin.once('close', resolve)
  })
}
