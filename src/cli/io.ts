/**
 * Where a CLI run reads its environment and writes its output. `main.ts` binds it
 * to the process; tests pass buffers, a fixed environment and their own abort signal.
 */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  /** Colour and pauses suit a terminal; pipes get plain text. */
  readonly isTTY: boolean
  /** Aborts long-running commands (`serve`, `watch`, `mcp`, `demo`): Ctrl-C in the process. */
  readonly signal: AbortSignal
  /**
   * Asks for more than the default 5 s between the first Ctrl-C and the forced
   * exit (the worker lets running tasks finish). Absent where there is no process.
   */
  readonly setCloseGrace?: (ms: number) => void
}

/** Binds the CLI to this process: its streams, environment and SIGINT/SIGTERM. */
export function createProcessIo(): CliIo {
  const controller = new AbortController()
  let closeGraceMs = 5000
  // First Ctrl-C asks long-running commands to close cleanly; a second one, or
  // a close that takes too long, ends the process.
  const stop = (): void => {
    if (controller.signal.aborted) process.exit(130)
    controller.abort()
    setTimeout(() => process.exit(130), closeGraceMs).unref()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  // `dock log | head`: the reader left; stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    signal: controller.signal,
    setCloseGrace: (ms) => {
      closeGraceMs = Math.max(closeGraceMs, ms)
    },
  }
}

/** Resolves once the signal aborts (immediately if it already has). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}
