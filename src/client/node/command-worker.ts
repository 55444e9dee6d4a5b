/**
 * `runCommandWorker`: {@link runWorker} with a command-line agent as the work —
 * one child process per claimed row, told about its task through the
 * environment, guarded so it dies with the runner (see process-guard.ts).
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'

import { DockClient } from '../dock-client.js'
import { runWorker, type RunWorkerOptions, type TaskOutcome, type WorkerSummary, type WorkerTask } from '../worker.js'
import { DOCK_JS, mcpJsonConfig, mcpStdioEntry, type McpStdioCommand } from './mcp-config.js'
import { signalGroup, spawnGuarded } from './process-guard.js'

export interface RunCommandWorkerOptions extends Omit<RunWorkerOptions, 'client' | 'handler'> {
  /** Server root, e.g. `http://127.0.0.1:4747`. */
  readonly url: string
  /** The worker principal's key; the command gets the same one (it acts as the same principal). */
  readonly token: string
  /** Workspace id or name (default `default`). */
  readonly workspace?: string
  readonly command: string
  readonly args?: readonly string[]
  /** The command's base environment (default: this process's); the DOCK_* variables are added to it. */
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** Only the last this-many bytes of stdout become the result (default 64 KiB). */
  readonly resultMaxBytes?: number
  /** SIGTERM → SIGKILL grace when a command is stopped (default 5 s). */
  readonly killGraceMs?: number
  /**
   * The MCP server written to DOCK_MCP_CONFIG (default: this package's
   * `dock mcp` run by this Node); null leaves DOCK_MCP_CONFIG unset.
   */
  readonly mcpServer?: McpStdioCommand | null
  /** Each line the command prints, as it prints it. */
  readonly onOutput?: (line: CommandOutputLine) => void
}

export interface CommandOutputLine {
  readonly task: WorkerTask
  readonly stream: 'stdout' | 'stderr'
  readonly text: string
}

const DEFAULT_RESULT_MAX_BYTES = 64 * 1024
const DEFAULT_KILL_GRACE_MS = 5000
/** Linux refuses a single environment string over 128 KiB (MAX_ARG_STRLEN); larger rows go by file only. */
const MAX_ENV_ROW_BYTES = 96 * 1024

/**
 * Runs `command args…` for every row the principal claims in `table`. Each run
 * gets DOCK_URL, DOCK_TOKEN, DOCK_WORKSPACE, DOCK_TABLE, DOCK_ROW_ID, DOCK_ROW
 * (the row as JSON), DOCK_ROW_FILE, DOCK_FENCING_TOKEN, DOCK_LEASE_EXPIRES_AT,
 * DOCK_ATTEMPT and DOCK_MCP_CONFIG. Exit 0 is success and the tail of stdout is
 * the result; anything else is a failure.
 *
 * @example
 * import { runCommandWorker } from 'dock/dist/client/node/index.js'
 * await runCommandWorker({ url, token, table: 'tasks', command: 'claude', args: ['-p', prompt], maxTasks: 5 })
 */
export async function runCommandWorker(options: RunCommandWorkerOptions): Promise<WorkerSummary> {
  const workspace = options.workspace ?? 'default'
  const client = new DockClient({ baseUrl: options.url, token: options.token, workspace })
  // Holds each task's MCP config and row file (they carry the key): 0700, and
  // the guard deletes a task's files when the task ends, even if the runner dies.
  const scratch = await mkdtemp(join(tmpdir(), 'dock-worker-'))
  const mcpServer =
    options.mcpServer === undefined
      ? existsSync(DOCK_JS)
        ? { command: process.execPath, args: [DOCK_JS, 'mcp'] }
        : null
      : options.mcpServer
  const context: CommandContext = {
    options,
    scratch,
    connection: { DOCK_URL: client.baseUrl, DOCK_TOKEN: options.token, DOCK_WORKSPACE: workspace },
    mcpServer,
  }
  try {
    return await runWorker({ ...options, client, handler: (task) => runCommandTask(task, context) })
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

interface CommandContext {
  readonly options: RunCommandWorkerOptions
  readonly scratch: string
  readonly connection: { readonly DOCK_URL: string; readonly DOCK_TOKEN: string; readonly DOCK_WORKSPACE: string }
  readonly mcpServer: McpStdioCommand | null
}

async function runCommandTask(task: WorkerTask, ctx: CommandContext): Promise<TaskOutcome> {
  const { options } = ctx
  const dir = join(ctx.scratch, `${task.row.id}-${task.lease.token}`)
  await mkdir(dir, { mode: 0o700 })
  const rowJson = JSON.stringify(task.row)
  const rowFile = join(dir, 'row.json')
  await writeFile(rowFile, rowJson, { mode: 0o600 })
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    ...ctx.connection,
    DOCK_TABLE: task.table,
    DOCK_ROW_ID: task.row.id,
    DOCK_ROW: Buffer.byteLength(rowJson) <= MAX_ENV_ROW_BYTES ? rowJson : '',
    DOCK_ROW_FILE: rowFile,
    DOCK_FENCING_TOKEN: String(task.lease.token),
    DOCK_LEASE_EXPIRES_AT: task.lease.expiresAt,
    DOCK_ATTEMPT: String(task.attempt),
  }
  if (ctx.mcpServer !== null) {
    const mcpFile = join(dir, 'mcp.json')
    const { DOCK_URL: url, DOCK_TOKEN: token, DOCK_WORKSPACE: workspace } = ctx.connection
    const config = mcpJsonConfig(mcpStdioEntry({ ...ctx.mcpServer, url, token, workspace }))
    await writeFile(mcpFile, config, { mode: 0o600 })
    env['DOCK_MCP_CONFIG'] = mcpFile
  } else {
    delete env['DOCK_MCP_CONFIG']
  }
  try {
    return await runChild(task, ctx, env, dir)
  } finally {
    // The guard removes it too; this covers a guard killed before it could.
    await rm(dir, { recursive: true, force: true })
  }
}

function runChild(task: WorkerTask, ctx: CommandContext, env: NodeJS.ProcessEnv, dir: string): Promise<TaskOutcome> {
  const { options } = ctx
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS
  const tail = new TailBuffer(options.resultMaxBytes ?? DEFAULT_RESULT_MAX_BYTES)
  return new Promise<TaskOutcome>((resolve) => {
    const started = Date.now()
    let exit: { code: number | null; signal: NodeJS.Signals | null; runMs: number } | undefined
    let settled = false
    const timers: ReturnType<typeof setTimeout>[] = []
    const child: ChildProcess = spawnGuarded(options.command, options.args ?? [], {
      env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      graceMs,
      scratchDir: dir,
    })
    const stop = (): void => {
      signalGroup(child, 'SIGTERM')
      timers.push(setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs))
    }
    const finish = (outcome: TaskOutcome): void => {
      if (settled) return
      settled = true
      task.signal.removeEventListener('abort', stop)
      for (const t of timers) clearTimeout(t)
      // Ending the lifeline tells the guard the task is over: it clears up anything the command left running.
      child.stdin?.destroy()
      resolve(outcome)
    }
    task.signal.addEventListener('abort', stop, { once: true })
    if (task.signal.aborted) stop()

    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream]
      if (source === null) continue
      const lines = new LineSplitter((text) => options.onOutput?.({ task, stream, text }))
      source.on('data', (chunk: Buffer) => {
        if (stream === 'stdout') tail.push(chunk)
        lines.push(chunk)
      })
      source.on('end', () => lines.flush())
    }
    child.stdin?.on('error', () => undefined) // EPIPE once the guard is gone is expected

    child.on('error', (err) =>
      finish({
        ok: false,
        reason: `could not start ${options.command}: ${err.message}`,
        exitCode: null,
        runMs: Date.now() - started,
      }),
    )
    child.on('exit', (code, signal) => {
      exit = { code, signal, runMs: Date.now() - started }
      child.stdin?.destroy()
      // A descendant that ignores SIGTERM can hold stdout open until the guard's SIGKILL; do not wait longer.
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy()
          child.stderr?.destroy()
        }, graceMs + 1000),
      )
    })
    child.on('close', () => {
      if (exit === undefined) return
      // Drop the trailing newline(s) every program ends with; the text itself is kept as printed.
      const result = tail.text().replace(/\s+$/, '')
      if (exit.code === 0) finish({ ok: true, result, runMs: exit.runMs })
      else {
        const reason = exit.signal !== null ? `killed by ${exit.signal}` : `exit ${exit.code}`
        finish({ ok: false, reason, exitCode: exit.code, result, runMs: exit.runMs })
      }
    })
  })
}

/** The last `max` bytes of a stream, cut at a character boundary, with a note of what was dropped. */
class TailBuffer {
  readonly #max: number
  #chunks: Buffer[] = []
  #size = 0
  #dropped = 0

  constructor(max: number) {
    this.#max = max
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#size += chunk.length
    while (this.#size - (this.#chunks[0]?.length ?? 0) >= this.#max && this.#chunks.length > 1) {
      const first = this.#chunks.shift()!
      this.#size -= first.length
      this.#dropped += first.length
    }
  }

  text(): string {
    let all = Buffer.concat(this.#chunks)
    let dropped = this.#dropped
    if (all.length > this.#max) {
      dropped += all.length - this.#max
      all = all.subarray(all.length - this.#max)
    }
    if (dropped === 0) return all.toString('utf8')
    // Skip UTF-8 continuation bytes so the kept text starts on a whole character.
    let start = 0
    while (start < all.length && (all[start]! & 0xc0) === 0x80) start++
    return `[… first ${dropped + start} bytes cut]\n${all.subarray(start).toString('utf8')}`
  }
}

/** Splits a byte stream into lines (UTF-8 safe across chunk edges). */
class LineSplitter {
  readonly #decoder = new StringDecoder('utf8')
  readonly #onLine: (line: string) => void
  #partial = ''

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine
  }

  push(chunk: Buffer): void {
    const text = this.#partial + this.#decoder.write(chunk)
    const parts = text.split('\n')
    this.#partial = parts.pop() ?? ''
    for (const line of parts) this.#onLine(line.endsWith('\r') ? line.slice(0, -1) : line)
  }

  flush(): void {
    const rest = this.#partial + this.#decoder.end()
    this.#partial = ''
    if (rest !== '') this.#onLine(rest)
  }
}
