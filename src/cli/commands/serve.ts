import type { Command } from 'commander'

import { boardUrl } from '../board-url.js'
import { CliError } from '../cli-error.js'
import { untilAborted, type CliIo } from '../io.js'
import { describeStore, listenOptions, storeOptions } from '../server-options.js'

/** `dock serve`: the HTTP API, watch streams, MCP endpoint and web UI, until Ctrl-C. */
export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description(
      'run the Dock server until Ctrl-C (first start creates the workspace "default" and prints the operator key)',
    )
    .option('-p, --port <port>', 'port (env DOCK_PORT, default 4747; 0 picks a free one)')
    .option('--host <host>', 'interface (env DOCK_HOST, default 127.0.0.1)')
    .option('-d, --data <dir>', 'data directory (env DOCK_DATA_DIR, default ./dock-data)')
    .addHelpText(
      'after',
      `
Environment: DOCK_DATABASE_URL=postgres://… stores in PostgreSQL instead of the data directory
(several nodes may share it); DOCK_OPERATOR_TOKEN sets the operator key on first start;
DOCK_ALLOWED_HOSTS=name,name… adds host names /mcp answers to besides loopback and --host (* for any).
The port is taken before anything is created: a start on a busy port leaves no store behind.
Lost the operator key? dock operator reset-key --data <dir> prints a new one.`,
    )
    .action(async (opts: { port?: string; host?: string; data?: string }) => {
      const listen = listenOptions(opts, io)
      const store = storeOptions(opts, io)
      // Loaded on use: client commands should not pay for the server's start-up.
      const { startDockServer } = await import('../../http/serve.js')
      const allowedHosts = (io.env['DOCK_ALLOWED_HOSTS'] ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== '')
      let server: Awaited<ReturnType<typeof startDockServer>>
      try {
        server = await startDockServer({ ...listen, ...store, allowedHosts })
      } catch (err) {
        // The port is bound before the store is opened, so nothing was created: the next start is still a first start.
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new CliError(
            'address_in_use',
            `${listen.host}:${listen.port} is already in use (another dock serve?); pick another with --port or DOCK_PORT`,
          )
        }
        throw err
      }
      try {
        io.stdout(`dock serving ${server.url} (${describeStore(store)})\n`)
        if (server.operatorKey !== null) {
          io.stdout(
            `\nfirst start: created workspace "default" and its operator.\n` +
              `operator key: ${server.operatorKey}\n` +
              `(shown only now; store it, e.g. export DOCK_TOKEN=${server.operatorKey})\n` +
              `board: ${boardUrl(server.url)} (sign in with the operator key)\n\n`,
          )
        } else {
          io.stdout(`board: ${boardUrl(server.url)}\n`)
        }
        io.stdout('Ctrl-C to stop\n')
        await untilAborted(io.signal)
        io.stdout('stopping…\n')
      } finally {
        await server.close()
      }
    })
}
