import type { DockClient } from '../../client/index.js'
import type { Row } from '../../domain/types.js'
import { DEMO_TASKS, TASKS_TABLE, type DemoTask } from './demo-script.js'
import type { Narrator } from './narrator.js'
import type { Pace } from './pace.js'

/** What every agent of the demo shares: the narrator, the tempo, and who is who. */
export interface DemoContext {
  readonly narrator: Narrator
  readonly pace: Pace
  /** Aborts on Ctrl-C and when any agent fails. */
  readonly signal: AbortSignal
  /** Principal id → crew name. */
  readonly names: Map<string, string>
  readonly stats: DemoStats
}

export interface DemoStats {
  claims: number
  heartbeats: number
  sectionWrites: number
  staleWritesRefused: number
  merges: number
  sendBacks: number
  approvals: number
  gateRefusals: number
}

export function emptyStats(): DemoStats {
  return {
    claims: 0,
    heartbeats: 0,
    sectionWrites: 0,
    staleWritesRefused: 0,
    merges: 0,
    sendBacks: 0,
    approvals: 0,
    gateRefusals: 0,
  }
}

export function taskOf(row: Row): DemoTask {
  const key = row.values['key']
  const task = DEMO_TASKS.find((t) => t.key === key)
  if (task === undefined) throw new Error(`row ${row.id} is not a demo task (key ${String(key)})`)
  return task
}

const OPEN_STATUSES = ['todo', 'in_progress', 'ready_for_review']

/** True when no task is left open (done, or dead-lettered to failed). */
export async function boardFinished(dock: DockClient): Promise<boolean> {
  const open = await dock.listRows(TASKS_TABLE, { status: OPEN_STATUSES, limit: 1 })
  return open.items.length === 0
}

/**
 * Waits until the tasks table changes after `since` (a long-poll of
 * WAIT_SECONDS at most); returns false when nothing happened in that time.
 * Any change of the table wakes the agent, which then re-reads what it needs.
 */
export async function waitForBoard(dock: DockClient, since: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false
  const page = await dock.events({ since, table: TASKS_TABLE, limit: 1, wait: WAIT_SECONDS }, { signal })
  return page.items.length > 0
}

/** The long-poll returns as soon as the table changes; the deadline only bounds a quiet board. */
const WAIT_SECONDS = 2

/** An agent that sees no change on the board for this long decides it is stuck and stops. */
export const MAX_IDLE_MS = 60_000

export function clock(iso: string): string {
  return iso.length >= 19 ? iso.slice(11, 19) : iso
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`
}
