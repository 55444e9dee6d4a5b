import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface Child {
  readonly proc: ChildProcess
  /** Lines the child printed on stdout so far. */
  readonly lines: string[]
  /** Resolves with the first stdout line matching `re` (rejects if the child exits first or after `timeoutMs`). */
  waitLine(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>
  stderr(): string
}

/** Runs a TypeScript file of this repo with `node --import tsx`. */
export function spawnTs(file: string, args: readonly string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = []
  let err = ''
  proc.stderr!.on('data', (d: Buffer) => {
    if (err.length < 20_000) err += d.toString()
  })
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line)
    for (const w of [...waiters]) {
      const m = w.re.exec(line)
      if (m !== null) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(m)
      }
    }
  })
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  return {
    proc,
    lines,
    exited,
    stderr: () => err,
    waitLine(re, timeoutMs = 20_000) {
      for (const line of lines) {
        const m = re.exec(line)
        if (m !== null) return Promise.resolve(m)
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line ${re} from ${file} within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)),
          timeoutMs,
        )
        void exited.then((code) => {
          clearTimeout(timer)
          reject(new Error(`${file} exited (${code}) before printing ${re}; stderr: ${err.slice(-2000)}`))
        })
        waiters.push({
          re,
          resolve: (m) => {
            clearTimeout(timer)
            resolve(m)
          },
        })
      })
    },
  }
}

export interface DockChild {
  readonly url: string
  readonly child: Child
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>
}

export const SERVER_MAIN = 'test/reliability/fixtures/server-main.ts'

export async function startDockChild(dataDir: string, env: Record<string, string>): Promise<DockChild> {
  const child = spawnTs(SERVER_MAIN, [dataDir], env)
  const m = await child.waitLine(/^DOCK_LISTENING (\S+)$/)
  return {
    url: m[1]!,
    child,
    async kill() {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL')
      await child.exited
    },
  }
}
