import type { CliIo } from '../../src/cli/io.js'
import { runCli } from '../../src/cli/run-cli.js'
import { OPERATOR_KEY, startTestServer, type TestServer } from '../helpers/test-world.js'

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>
  readonly signal?: AbortSignal
  readonly isTTY?: boolean
}

/** Runs `dock <argv…>` in-process with captured output. */
export async function dock(argv: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return startDock(argv, options).done
}

export interface RunningCli {
  /** The output so far. */
  readonly stdout: () => string
  readonly stderr: () => string
  readonly done: Promise<CliResult>
}

/** Starts `dock <argv…>` in-process; for long-running commands, read the output while it runs. */
export function startDock(argv: readonly string[], options: RunOptions = {}): RunningCli {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (text) => {
      stdout += text
    },
    stderr: (text) => {
      stderr += text
    },
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    signal: options.signal ?? new AbortController().signal,
  }
  const done = runCli(argv, io).then((code) => ({ code, stdout, stderr }))
  return { stdout: () => stdout, stderr: () => stderr, done }
}

export interface CliServer {
  readonly url: string
  readonly dataDir: string
  readonly server: TestServer
  /** The environment a CLI user of this server has: DOCK_URL and the operator's DOCK_TOKEN. */
  readonly env: Record<string, string>
  /** `dock <argv…>` as the operator (or with `token` as another principal's key). */
  run(argv: readonly string[], token?: string): Promise<CliResult>
  close(): Promise<void>
}

/** The test world's server, and the environment a CLI user of it has. */
export async function startCliServer(): Promise<CliServer> {
  // SQLite whatever the project: the backup commands read the server's data dir.
  const server = await startTestServer({ store: 'sqlite' })
  const env = { DOCK_URL: server.url, DOCK_TOKEN: OPERATOR_KEY }
  return {
    url: server.url,
    dataDir: server.dataDir,
    server,
    env,
    run: (argv, token) => dock(argv, { env: { ...env, DOCK_TOKEN: token ?? OPERATOR_KEY } }),
    close: () => server.close(),
  }
}

/** Parses stdout of a `--json` run, failing with the whole output when it is not JSON. */
export function json<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  }
}
