/**
 * The `dock` command line, runnable in-process: `runCli(argv, io)` parses the
 * arguments, runs one command and resolves with its exit status. `main.ts`
 * binds it to the process; tests call it with captured output.
 *
 * @module
 */
import { Command, CommanderError } from 'commander'

import { errorCodeOf, isQuiet } from './cli-error.js'
import { registerAuditCommand } from './commands/audit.js'
import { registerBackupCommand } from './commands/backup.js'
import { registerClaimCommand } from './commands/claim.js'
import { registerClaimNextCommand } from './commands/claim-next.js'
import { registerDemoCommand } from './commands/demo.js'
import { registerDocCommand } from './commands/doc.js'
import { registerFreezeCommand } from './commands/freeze.js'
import { registerHeartbeatCommand } from './commands/heartbeat.js'
import { registerInitCommand } from './commands/init.js'
import { registerLogCommand } from './commands/log.js'
import { registerMcpCommand } from './commands/mcp.js'
import { registerMoveCommand } from './commands/move.js'
import { registerOperatorCommand } from './commands/operator.js'
import { registerPrincipalCommand } from './commands/principal.js'
import { registerReleaseCommand } from './commands/release.js'
import { registerRestoreCommand } from './commands/restore.js'
import { registerRowCommand } from './commands/row.js'
import { registerServeCommand } from './commands/serve.js'
import { registerTableCommand } from './commands/table.js'
import { registerUnfreezeCommand } from './commands/unfreeze.js'
import { registerWatchCommand } from './commands/watch.js'
import { registerWorkerCommand } from './commands/worker.js'
import { registerWorkspaceCommand } from './commands/workspace.js'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.js'
import type { CliIo } from './io.js'
import { DOCK_VERSION } from '../version.js'

/** The package's version (package.json), shared with the server and the MCP server. */
export const CLI_VERSION = DOCK_VERSION

/** Builds the command tree; each `register*` adds one command (or one group) from its own file. */
export function createProgram(io: CliIo, settings: { readonly json?: boolean } = {}): Command {
  const program = new Command('dock')
    .description('Dock: a coordination server for teams of AI agents')
    .version(CLI_VERSION, '-V, --version')
    .option('--url <url>', 'server URL (env DOCK_URL, default http://127.0.0.1:4747)')
    .option('--token <key>', 'your principal key (env DOCK_TOKEN)')
    .option('--workspace <ws>', 'workspace id or name (env DOCK_WORKSPACE, default "default")')
    .option('--json', 'print JSON for scripts instead of tables')
    .showHelpAfterError(settings.json === true ? false : '(run with --help for usage)')
    .addHelpText(
      'after',
      `
Environment: DOCK_URL, DOCK_TOKEN, DOCK_WORKSPACE (for the client commands);
DOCK_PORT, DOCK_HOST, DOCK_DATA_DIR, DOCK_DATABASE_URL, DOCK_OPERATOR_TOKEN (for serve and init).

Refusals print "error <code>: message" on stderr; with --json, one JSON object
{"code", "message", "details"} on stderr instead (on a conflict details.current is
the record as it is now). Exit status: 0 ok, 1 failure, 2 bad usage or input,
3 conflict (stale version, taken claim, refused transition: re-read and retry),
4 no key or not allowed, 5 not found, 6 frozen, locked or suspended, 7 budget or
rate limit, 8 nothing to claim (claim-next).

Durations (--lease, --wait …) take a unit: 500ms, 30s, 5m, 2h; a bare number is seconds.
Without --workspace / DOCK_WORKSPACE, commands use the workspace the key belongs to.
DOCK_URL may leave out the scheme: 127.0.0.1:4747 means http://127.0.0.1:4747.

Try it: dock demo`,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      // Under --json the usage error is printed once, as JSON, by runCli.
      outputError: (text, write) => {
        if (settings.json !== true) write(text)
      },
    })

  registerServeCommand(program, io)
  registerInitCommand(program, io)
  registerOperatorCommand(program, io)
  registerBackupCommand(program, io)
  registerRestoreCommand(program, io)
  registerWorkspaceCommand(program, io)
  registerPrincipalCommand(program, io)
  registerTableCommand(program, io)
  registerRowCommand(program, io)
  registerClaimCommand(program, io)
  registerClaimNextCommand(program, io)
  registerHeartbeatCommand(program, io)
  registerReleaseCommand(program, io)
  registerMoveCommand(program, io)
  registerDocCommand(program, io)
  registerWatchCommand(program, io)
  registerLogCommand(program, io)
  registerAuditCommand(program, io)
  registerFreezeCommand(program, io)
  registerUnfreezeCommand(program, io)
  registerMcpCommand(program, io)
  registerWorkerCommand(program, io)
  registerDemoCommand(program, io)
  return program
}

/**
 * Runs `dock <argv…>` (argv without the node and script paths) and resolves
 * with the exit status; it never throws. Refusals print `error <code>: message`
 * on stderr, or with --json one JSON object `{code, message, details}` there
 * (a conflict's `details.current` is the record as it is now).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = wantsJson(argv)
  const program = createProgram(io, { json })
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return EXIT_OK
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version "errors" are how commander ends after printing them.
      if (err.exitCode === 0) return EXIT_OK
      if (json) writeJsonError(io, 'usage', err.message.replace(/^error: /, ''), null)
      return err.code === 'commander.executeSubCommandAsync' ? EXIT_FAILURE : EXIT_USAGE
    }
    return reportError(err, io, json)
  }
}

/** --json before any `--` (what follows `--` belongs to a wrapped command, e.g. `dock worker t -- agent --json`). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json')
}

function writeJsonError(io: CliIo, code: string, message: string, details: unknown): void {
  io.stderr(`${JSON.stringify({ code, message, details: details ?? null })}\n`)
}

function reportError(err: unknown, io: CliIo, json: boolean): number {
  const unreachable = networkFailure(err)
  if (unreachable !== undefined) {
    const message = `cannot reach the Dock server (${unreachable}); is it running? (--url / DOCK_URL)`
    if (json) writeJsonError(io, 'unreachable', message, { cause: unreachable })
    else io.stderr(`error unreachable: ${message}\n`)
    return exitCodeFor('unreachable')
  }
  const code = errorCodeOf(err)
  if (isQuiet(err)) return exitCodeFor(code)
  const message = err instanceof Error ? err.message : String(err)
  if (code !== undefined) {
    if (json) writeJsonError(io, code, message, (err as { details?: unknown }).details)
    else io.stderr(`error ${code}: ${message}${conflictHint(err)}${workspaceHint(code, message)}\n`)
    return exitCodeFor(code)
  }
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : ''
  if (json) writeJsonError(io, 'internal', `${message}${cause}`, null)
  else io.stderr(`error: ${message}${cause}\n`)
  return EXIT_FAILURE
}

/** "no workspace team-b" after `workspace create team-b` puzzles the creator: say why. */
function workspaceHint(code: string, message: string): string {
  if (code !== 'not_found' || !message.startsWith('no workspace ')) return ''
  return "\n(a key reaches only its own workspace: use the key `dock workspace create` printed for it, and leave --workspace / DOCK_WORKSPACE unset to use your key's own)"
}

/** A stale write names the version it lost to, so a person can re-read and retry. */
function conflictHint(err: unknown): string {
  const current = (err as { details?: { current?: unknown } }).details?.current
  if (typeof current !== 'object' || current === null) return ''
  const version = (current as { version?: unknown }).version
  return typeof version === 'number' ? ` (current version ${version}; --json prints the current record)` : ''
}

/** fetch() fails with a TypeError whose cause names the socket error (ECONNREFUSED …). */
function networkFailure(err: unknown): string | undefined {
  if (!(err instanceof TypeError) || err.message !== 'fetch failed') return undefined
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined
  if (typeof cause?.code === 'string') return cause.code
  return typeof cause?.message === 'string' ? cause.message : 'network error'
}
