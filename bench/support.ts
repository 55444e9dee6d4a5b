import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

export interface Reply {
  readonly status: number
  readonly body: any
}

/** One JSON call over loopback; never throws on a status. */
export async function call(base: string, key: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

export async function ok(base: string, key: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await call(base, key, method, path, body)
  if (r.status < 200 || r.status > 299)
    throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`)
  return r.body
}

export interface DockProcess {
  readonly url: string
  stop(): Promise<void>
}

/** Starts bench/server-main.ts in a child process on a free port. */
export async function startDockProcess(dataDir: string, env: Record<string, string>): Promise<DockProcess> {
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/server-main.ts', dataDir], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the Dock server did not start within 30 s')), 30_000)
    void exited.then(() => reject(new Error('the Dock server exited at start')))
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^DOCK_LISTENING (\S+)$/.exec(line)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
  })
  return {
    url,
    async stop() {
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Runs `fn` on `items` with at most `n` at a time. */
export async function inParallel<T>(
  items: readonly T[],
  n: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        await fn(items[i]!, i)
      }
    }),
  )
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The workflow the claim benchmarks use: claim todo → in_progress, the owner completes. */
export function jobsTable(name: string): Record<string, unknown> {
  return {
    name,
    columns: [
      { name: 'title', type: 'text', required: true },
      { name: 'n', type: 'integer' },
    ],
    workflow: {
      statuses: ['todo', 'in_progress', 'done', 'failed'],
      initial: 'todo',
      done: ['done'],
      claim: { from: ['todo'], to: 'in_progress', leaseMs: 60_000, maxAttempts: 3, deadLetter: 'failed' },
      transitions: [{ from: 'in_progress', to: 'done', by: ['owner'] }],
    },
  }
}
