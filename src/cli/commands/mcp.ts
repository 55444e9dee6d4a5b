import type { Command } from 'commander'

import { CliError } from '../cli-error.js'
import { globalOptions } from '../context.js'
import { untilAborted, type CliIo } from '../io.js'

/**
 * `dock mcp`: the Dock tools as a stdio MCP server for one agent's key. stdout
 * belongs to the protocol; it ends when stdin closes or on Ctrl-C.
 */
export function registerMcpCommand(program: Command, io: CliIo): void {
  program
    .command('mcp')
    .description('serve the Dock tools over stdio (MCP) for the agent whose key is --token / DOCK_TOKEN')
    .addHelpText(
      'after',
      `
MCP client configuration, e.g.:
  { "command": "dock", "args": ["mcp"],
    "env": { "DOCK_URL": "http://127.0.0.1:4747", "DOCK_TOKEN": "<the agent's key>" } }`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      if (options.token === undefined) throw new CliError('missing_token', 'dock mcp needs the agent\'s key: --token or DOCK_TOKEN')
      // Without an explicit workspace the server picks the key's own.
      const explicit = cmd.optsWithGlobals<{ workspace?: string }>().workspace ?? (io.env['DOCK_WORKSPACE'] || undefined)
      const { runMcpStdio } = await import('../../mcp/stdio.js')
      const handle = await runMcpStdio({ url: options.url, token: options.token, workspace: explicit })
      io.stderr(`dock mcp: serving workspace ${handle.workspace} of ${options.url} over stdio\n`)
      await Promise.race([untilAborted(io.signal), stdinEnded()])
      await handle.close()
    })
}

function stdinEnded(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.once('end', resolve)
    process.stdin.once('close', resolve)
  })
}
