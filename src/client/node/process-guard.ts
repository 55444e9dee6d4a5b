/**
 * Spawns a command so that it cannot outlive the process that spawned it, even
 * when that process is killed with SIGKILL.
 *
 * Node has no PR_SET_PDEATHSIG, and a SIGKILLed parent runs no exit handlers,
 * so the child has to notice on its own. The one thing the kernel does for a
 * dead process is close its file descriptors. So the command runs under a tiny
 * `/bin/sh` guard that
 *
 * 1. is spawned `detached` (setsid): the guard and everything it starts form a
 *    new process group, away from the terminal's Ctrl-C;
 * 2. keeps its stdin — a pipe whose only writer is the runner — on fd 3 and
 *    gives the command /dev/null instead;
 * 3. forks a watcher that blocks reading that pipe. Nothing is ever written to
 *    it, so the read returns only at EOF: when the runner closed it (the task is
 *    over) or the runner died (the kernel closed it). Then the watcher removes
 *    the task's scratch files, sends SIGTERM to the whole group, waits the grace
 *    period and sends SIGKILL (which also ends the watcher);
 * 4. `exec`s the command in its own place, so the pid the runner holds is the
 *    command's and its exit status is the command's.
 *
 * The runner's end of each pipe is close-on-exec (libuv opens every fd that
 * way), so one task's command never holds another task's pipe open. What the
 * guard cannot catch: a descendant that calls setsid() itself (a daemon) leaves
 * the group. POSIX only; on Windows the command is spawned directly, without
 * this guarantee.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'

const GUARD_SCRIPT = `grace=$1; scratch=$2; shift 2
exec 3<&0 </dev/null
(
  trap '' TERM INT HUP
  while read -r _ <&3; do :; done
  if [ -n "$scratch" ]; then rm -rf -- "$scratch"; fi
  kill -TERM 0 2>/dev/null
  sleep "$grace"
  kill -KILL 0 2>/dev/null
) >/dev/null 2>&1 &
exec "$@" 3<&-`

export interface GuardedSpawnOptions {
  readonly env: NodeJS.ProcessEnv
  readonly cwd?: string
  /** Between SIGTERM and SIGKILL when the group is ended (ms, rounded up to whole seconds for the guard). */
  readonly graceMs: number
  /** Removed by the guard when the task ends or the runner dies. */
  readonly scratchDir?: string
}

/** True where the guard can run (a POSIX shell and process groups). */
export const GUARD_SUPPORTED = process.platform !== 'win32'

/**
 * Spawns `command args…` in its own process group under the guard; stdout and
 * stderr are pipes, stdin is the guard's lifeline (end it to finish the task).
 */
export function spawnGuarded(command: string, args: readonly string[], options: GuardedSpawnOptions): ChildProcess {
  if (!GUARD_SUPPORTED) {
    return spawn(command, [...args], {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    })
  }
  const graceSeconds = String(Math.max(1, Math.ceil(options.graceMs / 1000)))
  return spawn(
    '/bin/sh',
    ['-c', GUARD_SCRIPT, 'dock-worker-guard', graceSeconds, options.scratchDir ?? '', command, ...args],
    {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    },
  )
}

/** Signals the child's whole process group (just the child where there are no groups); false if it is gone. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false
  try {
    if (GUARD_SUPPORTED) process.kill(-child.pid, signal)
    else child.kill(signal)
    return true
  } catch {
    return false
  }
}
