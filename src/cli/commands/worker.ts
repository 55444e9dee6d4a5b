import type { Command } from 'commander'

import type { WorkerEvent, WorkerSummary } from '../../client/worker.js'
import type { Row } from '../../domain/types.js'
import { CliError } from '../cli-error.js'
import { connect, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { collect, parseAssignments, parseDuration, parseInteger } from '../parse.js'

interface WorkerCommandOptions {
  maxTasks?: string
  concurrency?: string
  lease?: string
  timeout?: string
  resultColumn?: string
  done?: string
  fail?: string
  where?: string[]
  grace?: string
  recheck?: string
}

const DEFAULT_TIMEOUT = '30m'
const DEFAULT_GRACE = '30s'
const KILL_GRACE_MS = 5000

/**
 * `dock worker <table> -- <command…>`: runs any command-line agent as a Dock
 * worker. The loop lives in the SDK (runCommandWorker); this file parses flags
 * and prints one line per task (or JSON lines), with the command's output
 * streamed under a `[row]` prefix.
 */
export function registerWorkerCommand(program: Command, io: CliIo): void {
  program
    .command('worker <table> <command...>')
    .description('run a command for every row you can claim in <table>: dock worker tasks -- <command> [args…]')
    .option('--max-tasks <n>', 'exit after this many tasks')
    .option('--concurrency <n>', 'tasks at once (default 1)')
    .option('--lease <duration>', "lease per claim and heartbeat, e.g. 10m (default: the table's)")
    .option(
      '--timeout <duration>',
      `stop a command that runs longer; it counts as failed (default ${DEFAULT_TIMEOUT}, 0 = none)`,
    )
    .option(
      '--result-column <column>',
      'column the tail of stdout goes to on success (default "result", when the table has it)',
    )
    .option(
      '--done <status>',
      "status on exit 0 (default: the workflow's first move out of the claim status the owner may take)",
    )
    .option(
      '--fail <status>',
      'status on failure (default: release for another try; dead-letter after the last attempt)',
    )
    .option('--where <column=value>', 'only claim rows with this value; repeatable', collect)
    .option(
      '--grace <duration>',
      `on Ctrl-C / SIGTERM, how long running tasks may finish before they are stopped and released (default ${DEFAULT_GRACE})`,
    )
    .option('--recheck <duration>', 'while idle, one claim-next this often besides the change feed (default 60s)')
    .addHelpText(
      'after',
      `
Each command runs as the principal whose key is DOCK_TOKEN, with DOCK_URL,
DOCK_TOKEN, DOCK_WORKSPACE, DOCK_TABLE, DOCK_ROW_ID, DOCK_ROW (the row as JSON),
DOCK_ROW_FILE, DOCK_FENCING_TOKEN, DOCK_LEASE_EXPIRES_AT, DOCK_ATTEMPT and
DOCK_MCP_CONFIG (an MCP config file for \`dock mcp\` with the same key) set.
Exit 0: the tail of stdout is written to the result column and the row moves on.

Put the command after --. Quote per-task variables so your shell does not
expand them at launch (they do not exist yet): use a script, or sh -c '…':
  dock worker tasks --concurrency 4 --fail failed -- ./agent.sh
  dock worker tasks -- sh -c 'claude -p "$(cat prompt.md) $DOCK_ROW" --mcp-config "$DOCK_MCP_CONFIG"'
(see docs/agents.md)`,
    )
    .action(async (table: string, command: string[], opts: WorkerCommandOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const [program_, ...args] = command
      if (program_ === undefined)
        throw new CliError('usage', 'no command to run: dock worker <table> -- <command> [args…]')
      const concurrency = opts.concurrency === undefined ? 1 : parseInteger(opts.concurrency, '--concurrency')
      if (concurrency < 1) throw new CliError('usage', '--concurrency must be at least 1')
      const maxTasks = opts.maxTasks === undefined ? undefined : parseInteger(opts.maxTasks, '--max-tasks')
      if (maxTasks !== undefined && maxTasks < 1) throw new CliError('usage', '--max-tasks must be at least 1')
      const leaseMs = opts.lease === undefined ? undefined : parseDuration(opts.lease)
      if (leaseMs !== undefined && leaseMs < 1) throw new CliError('usage', '--lease must be longer than 0')
      const timeoutMs = parseDuration(opts.timeout ?? DEFAULT_TIMEOUT)
      const graceMs = parseDuration(opts.grace ?? DEFAULT_GRACE)
      const recheckMs = opts.recheck === undefined ? undefined : Math.max(1000, parseDuration(opts.recheck))
      const where =
        opts.where === undefined ? undefined : parseAssignments(opts.where, (await dock.getTable(table)).columns)
      // The first Ctrl-C must not cut the grace period short; a second one still exits at once.
      io.setCloseGrace?.(graceMs + KILL_GRACE_MS + 5000)

      const printer = new WorkerPrinter(io, options.json, maxTasks)
      const { runCommandWorker } = await import('../../client/node/command-worker.js')
      const summary: WorkerSummary = await runCommandWorker({
        url: options.url,
        token: options.token!,
        workspace: dock.workspace,
        table,
        command: program_,
        args,
        env: { ...io.env },
        concurrency,
        ...(maxTasks === undefined ? {} : { maxTasks }),
        ...(leaseMs === undefined ? {} : { leaseMs }),
        ...(timeoutMs > 0 ? { timeoutMs } : {}),
        ...(opts.resultColumn === undefined ? {} : { resultColumn: opts.resultColumn }),
        ...(opts.done === undefined ? {} : { doneStatus: opts.done }),
        ...(opts.fail === undefined ? {} : { failStatus: opts.fail }),
        ...(where === undefined ? {} : { where }),
        graceMs,
        ...(recheckMs === undefined ? {} : { recheckMs }),
        killGraceMs: KILL_GRACE_MS,
        signal: io.signal,
        onEvent: (event) => printer.event(event),
        onOutput: ({ task, stream, text }) => printer.output(task.row.id, stream, text),
      })
      // A refusal of the principal itself (suspended, key revoked) exits non-zero with its code.
      if (summary.error !== undefined) throw summary.error
    })
}

/** Human lines (one per task step) or JSON lines; the commands' own output goes under a `[row]` prefix. */
class WorkerPrinter {
  readonly #io: CliIo
  readonly #json: boolean
  readonly #maxTasks: number | undefined
  #plan: Extract<WorkerEvent, { kind: 'ready' }> | undefined

  constructor(io: CliIo, json: boolean, maxTasks: number | undefined) {
    this.#io = io
    this.#json = json
    this.#maxTasks = maxTasks
  }

  output(rowId: string, stream: 'stdout' | 'stderr', text: string): void {
    const line = `${tag(rowId)} | ${text}\n`
    // Under --json stdout carries only the worker's JSON lines.
    if (stream === 'stderr' || this.#json) this.#io.stderr(line)
    else this.#io.stdout(line)
  }

  event(e: WorkerEvent): void {
    if (this.#json) {
      const line = jsonLine(e)
      if (line !== null) this.#io.stdout(`${JSON.stringify(line)}\n`)
      return
    }
    const text = this.#human(e)
    if (text === null) return
    if (e.kind === 'error') this.#io.stderr(`${text}\n`)
    else this.#io.stdout(`${text}\n`)
  }

  #human(e: WorkerEvent): string | null {
    switch (e.kind) {
      case 'ready': {
        this.#plan = e
        const fail = e.failStatus === null ? 'release (dead-letter after the last attempt)' : e.failStatus
        const limit =
          this.#maxTasks === undefined ? '' : `, ${this.#maxTasks} task${this.#maxTasks === 1 ? '' : 's'} at most`
        return `worker ${e.principal.name} on ${e.table}: success → ${e.doneStatus}, failure → ${fail}${e.resultColumn === null ? '' : `, result → ${e.resultColumn}`}${limit}`
      }
      case 'claimed':
        return `${tag(e.row.id)} claimed ${titleOf(e.row)} (${e.row.id})${e.attempt > 1 ? `, attempt ${e.attempt}` : ''}`
      case 'heartbeat':
        return null
      case 'done':
        return `${tag(e.row.id)} done in ${seconds(e.ms)} → ${e.status}`
      case 'failed': {
        const why =
          e.exitCode !== null && e.reason === `exit ${e.exitCode}` ? `with exit ${e.exitCode}` : `(${e.reason})`
        const then =
          e.outcome === 'moved'
            ? `→ ${e.status}`
            : e.outcome === 'released'
              ? `→ released for another try (attempt ${e.row.attempts})`
              : `→ lease given up after the last attempt (${e.row.attempts}); the sweep moves it to ${e.status}`
        return `${tag(e.row.id)} failed ${why} after ${seconds(e.ms)} ${then}`
      }
      case 'released':
        return `${tag(e.row.id)} stopped at shutdown and released`
      case 'lost':
        return `${tag(e.rowId)} lost the task (${e.code}: ${e.message}); its command was stopped, nothing more is written for it`
      case 'idle':
        return e.why === 'workspace_frozen'
          ? 'workspace frozen; waiting for it to be unfrozen'
          : `waiting for work in ${this.#plan?.table ?? 'the table'}`
      case 'error':
        return `error: ${e.message}${e.retryInMs > 0 ? `; retrying in ${seconds(e.retryInMs)}` : ''}`
      case 'stopping':
        if (e.why === 'signal')
          return 'stopping: no new claims; running tasks may finish (Ctrl-C again to stop at once)'
        if (e.why === 'fatal') return 'stopping: the server refused this principal; running commands are being stopped'
        return null
      case 'stopped': {
        const s = e.summary
        const extra = [s.lost > 0 ? `${s.lost} lost` : '', s.released > 0 ? `${s.released} released` : ''].filter(
          (x) => x !== '',
        )
        return `stopped: ${s.done} done, ${s.failed} failed${extra.length > 0 ? `, ${extra.join(', ')}` : ''}`
      }
    }
  }
}

/** The JSON line for an event: ids instead of whole rows, so lines stay short. */
function jsonLine(e: WorkerEvent): Record<string, unknown> | null {
  switch (e.kind) {
    case 'ready':
      return {
        event: 'ready',
        principal: e.principal,
        table: e.table,
        done: e.doneStatus,
        fail: e.failStatus,
        resultColumn: e.resultColumn,
      }
    case 'claimed':
      return {
        event: 'claimed',
        row: e.row.id,
        title: titleOf(e.row),
        attempt: e.attempt,
        token: e.lease.token,
        expiresAt: e.lease.expiresAt,
      }
    case 'heartbeat':
      return { event: 'heartbeat', row: e.rowId, expiresAt: e.expiresAt }
    case 'done':
      return { event: 'done', row: e.row.id, status: e.status, ms: e.ms, runMs: e.runMs }
    case 'failed':
      return {
        event: 'failed',
        row: e.row.id,
        reason: e.reason,
        exitCode: e.exitCode,
        outcome: e.outcome,
        status: e.status,
        ms: e.ms,
      }
    case 'released':
      return { event: 'released', row: e.row.id, reason: e.reason }
    case 'lost':
      return { event: 'lost', row: e.rowId, code: e.code, message: e.message }
    case 'idle':
      return { event: 'idle', why: e.why }
    case 'error':
      return { event: 'error', message: e.message, retryInMs: e.retryInMs }
    case 'stopping':
      return { event: 'stopping', why: e.why }
    case 'stopped': {
      const { error, ...counts } = e.summary
      return {
        event: 'stopped',
        ...counts,
        ...(error === undefined ? {} : { error: { code: error.code, message: error.message } }),
      }
    }
  }
}

/** `[k3f9qz]`: the last characters of the row id, enough to tell concurrent tasks apart. */
function tag(rowId: string): string {
  return `[${rowId.slice(-6)}]`
}

function titleOf(row: Row): string {
  for (const key of ['title', 'name', 'summary']) {
    const value = row.values[key]
    if (typeof value === 'string' && value.trim() !== '') {
      const flat = value.replace(/\s+/g, ' ').trim()
      return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat
    }
  }
  return row.id
}

function seconds(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}
