import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Command } from 'commander'

import { DockClient } from '../../client/index.js'
import type { DockServer } from '../../http/serve.js'
import { boardUrl } from '../board-url.js'
import { CliError } from '../cli-error.js'
import { globalOptions } from '../context.js'
import { CREW, TASKS_TABLE } from '../demo/demo-script.js'
import { Narrator } from '../demo/narrator.js'
import { Pace } from '../demo/pace.js'
import { renderSummary, runDemo } from '../demo/run-demo.js'
import { formatJson } from '../format.js'
import { untilAborted, type CliIo } from '../io.js'
import { parseDuration, parseInteger } from '../parse.js'

interface DemoOptions {
  local?: boolean
  fast?: boolean
  pace?: string
  port?: string
  keep?: boolean
}

/** Where the demo runs: its own server in-process, or a fresh workspace on a running one. */
interface DemoTarget {
  readonly url: string
  readonly operatorKey: string
  readonly workspace: string
  close(): Promise<void>
}

const DEFAULT_PACE_MS = 700

/**
 * `dock demo`: a crew of scripted agents (a planner, three workers, a
 * reviewer), each with its own key, works a task board through the SDK while
 * the trail is narrated; it ends with a summary and the audit verdict.
 */
export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('watch a crew of agents (planner, three workers, reviewer) work a task board, live')
    .option('--fast', 'no pauses (for tests and the impatient)')
    .option('--local', 'run on an in-process server even when DOCK_URL / DOCK_TOKEN are set')
    .option(
      '--pace <duration>',
      `length of one beat between steps, e.g. 300ms or 1s; a bare number is seconds (default ${DEFAULT_PACE_MS}ms)`,
    )
    .option('-p, --port <port>', 'port of the in-process server (default: a free one)')
    .option('--keep', 'keep the in-process server up after the demo, until Ctrl-C (default on a terminal)')
    .option('--no-keep', 'stop the in-process server when the demo ends')
    .addHelpText(
      'after',
      `
With a server named (--url / DOCK_URL) or an operator key given (--token / DOCK_TOKEN), the demo
runs there: it creates a fresh workspace on that server with its operator key. Otherwise, or
with --local, it starts its own server on a free port with a temporary data directory.
--json prints the narration on stderr and a JSON summary on stdout.`,
    )
    .action(async (opts: DemoOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const fast = opts.fast === true
      const paceMs = fast ? 0 : opts.pace === undefined ? DEFAULT_PACE_MS : parsePace(opts.pace)
      const colour = io.isTTY && !options.json && (io.env['NO_COLOR'] ?? '') === ''
      const write = options.json ? io.stderr : io.stdout
      // After a first session (DOCK_TOKEN exported) the demo belongs on that server, where the board is open.
      const flags = cmd.optsWithGlobals<{ url?: string }>()
      const named = flags.url !== undefined || (io.env['DOCK_URL'] ?? '') !== '' || options.token !== undefined
      const inProcess = opts.local === true || !named
      const target = inProcess ? await startOwnServer(opts) : await freshWorkspace(options.url, options.token)
      const keep = inProcess && (opts.keep ?? (io.isTTY && !fast))

      try {
        const narrator = new Narrator(
          { write, colour },
          CREW.map((member) => member.name),
        )
        narrator.line(`Dock demo: a planner, three workers and a reviewer coordinate through one workspace.`)
        narrator.line(`server:   ${target.url}${inProcess ? ' (in-process, temporary data)' : ''}`)
        narrator.line(`board:    ${boardUrl(target.url, TASKS_TABLE)}`)
        narrator.line(
          `key:      ${target.operatorKey}  (operator of workspace "${target.workspace}": paste it into the board's sign-in)`,
        )
        // The CLI finds the key's workspace by itself.
        narrator.line(`follow:   DOCK_URL=${target.url} DOCK_TOKEN=${target.operatorKey} dock watch`)
        if (!fast) await new Pace(paceMs * 3, io.signal).beat()
        if (io.signal.aborted) throw new CliError('interrupted', 'the demo was interrupted')

        const summary = await runDemo({
          url: target.url,
          operatorKey: target.operatorKey,
          workspace: target.workspace,
          narrator,
          pace: new Pace(paceMs, io.signal),
          signal: io.signal,
        })
        narrator.heading('Summary')
        write(renderSummary(summary, narrator))
        if (options.json) io.stdout(formatJson(summary))
        if (!summary.allDone) throw new CliError('demo_incomplete', 'the demo ended with tasks that are not done')
        if (!summary.audit.ok) throw new CliError('audit_broken', 'the audit chain does not verify')

        if (keep) {
          narrator.line(
            `\nThe server stays up: browse the board, docs and trail at ${boardUrl(target.url)} — Ctrl-C to stop.`,
          )
          await untilAborted(io.signal)
        } else if (inProcess && !fast) {
          narrator.line(`\n(run \`dock demo --keep\` to keep the server up and explore the board afterwards)`)
        }
      } finally {
        await target.close()
      }
    })
}

/** `--pace 700` used to mean milliseconds; now a bare number is seconds as everywhere, so refuse the old reading. */
function parsePace(text: string): number {
  const ms = parseDuration(text)
  if (/^\s*\d+(\.\d+)?\s*$/.test(text) && ms > 10_000) {
    throw new CliError('usage', `--pace ${text} would be ${text} seconds per beat; did you mean ${text}ms?`)
  }
  return ms
}

async function startOwnServer(opts: DemoOptions): Promise<DemoTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dock-demo-'))
  let server: DockServer
  try {
    const { startDockServer } = await import('../../http/serve.js')
    server = await startDockServer({
      host: '127.0.0.1',
      port: opts.port === undefined ? 0 : parseInteger(opts.port, '--port'),
      dataDir,
      logger: false,
    })
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true })
    throw err
  }
  if (server.operatorKey === null) {
    await server.close()
    throw new CliError('internal', 'the demo server started without generating an operator key')
  }
  return {
    url: server.url,
    operatorKey: server.operatorKey,
    workspace: 'default',
    async close() {
      await server.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

async function freshWorkspace(url: string, token: string | undefined): Promise<DemoTarget> {
  if (token === undefined)
    throw new CliError('missing_token', 'a demo on a running server needs an operator key: --token or DOCK_TOKEN')
  const operator = new DockClient({ baseUrl: url, token })
  const name = `demo-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`
  const created = await operator.createWorkspace(name)
  return {
    url: operator.baseUrl,
    operatorKey: created.operator.key,
    workspace: created.workspace.name,
    close: async () => undefined,
  }
}
