import type { CreateTableInput } from '../../client/index.js'
import type { Role } from '../../domain/types.js'

/** The fixed content of `dock demo`: who is in the crew, the plan, the tasks. */

export const TASKS_TABLE = 'tasks'
export const PLAN_DOC = 'plan'
export const PROGRESS_SECTION = 'progress'

export interface CrewMember {
  readonly name: string
  readonly roles: readonly Role[]
  readonly skills: readonly string[]
}

/** Creating the task table is an operator action (the contract holds the review gate). */
export const PLANNER: CrewMember = { name: 'planner', roles: ['operator', 'member'], skills: [] }
export const WORKERS: readonly CrewMember[] = [
  { name: 'worker-1', roles: ['member'], skills: ['backend'] },
  { name: 'worker-2', roles: ['member'], skills: ['frontend', 'docs'] },
  { name: 'worker-3', roles: ['member'], skills: ['backend', 'docs'] },
]
/** Also a member: besides its reviews it writes the verdict into the row and notes progress in the plan. */
export const REVIEWER: CrewMember = { name: 'reviewer', roles: ['reviewer', 'member'], skills: [] }
export const CREW: readonly CrewMember[] = [PLANNER, ...WORKERS, REVIEWER]

/** The worker whose first progress note is written from a stale read, on purpose. */
export const STALE_WRITER = 'worker-2'
/** The worker that tries to approve its own first task, to show the review gate (it always has work: only it does frontend). */
export const SELF_APPROVER = 'worker-2'
/** The task the reviewer sends back once. */
export const SENT_BACK_TASK = 'T2'

export interface DemoTask {
  readonly key: string
  readonly title: string
  readonly skills: readonly string[]
  readonly blockedBy: readonly string[]
  readonly priority: number
  /** What the worker reports in its result section. */
  readonly result: string
  /** What the redo adds after a send-back. */
  readonly fix?: string
}

export const DEMO_TASKS: readonly DemoTask[] = [
  {
    key: 'T1',
    title: 'Define the API schema',
    skills: ['backend'],
    blockedBy: [],
    priority: 3,
    result: 'Resources: boards, cards, comments. JSON over HTTP; every write carries expectedVersion.',
  },
  {
    key: 'T2',
    title: 'Write the storage layer',
    skills: ['backend'],
    blockedBy: ['T1'],
    priority: 2,
    result: 'SQLite tables for boards and cards; one transaction per write.',
    fix: 'Added a test that two concurrent claims never both succeed.',
  },
  {
    key: 'T3',
    title: 'Build the board UI',
    skills: ['frontend'],
    blockedBy: [],
    priority: 2,
    result: 'Columns per status, cards move live from the change feed.',
  },
  {
    key: 'T4',
    title: 'Wire the UI to the API',
    skills: ['frontend'],
    blockedBy: ['T2', 'T3'],
    priority: 1,
    result: 'Board reads /cards and follows the watch stream; optimistic moves roll back on 409.',
  },
  {
    key: 'T5',
    title: 'Write the user guide',
    skills: ['docs'],
    blockedBy: ['T1'],
    priority: 1,
    result: 'Getting started, concepts, and a tour of the board.',
  },
  {
    key: 'T6',
    title: 'Release notes',
    skills: ['docs'],
    blockedBy: ['T4', 'T5'],
    priority: 0,
    result: 'v0.1: boards, live updates, review gates.',
  },
]

export const TASKS_TABLE_INPUT: CreateTableInput = {
  name: TASKS_TABLE,
  columns: [
    { name: 'key', type: 'text', required: true },
    { name: 'title', type: 'text', required: true },
    { name: 'result', type: 'text' },
    { name: 'review', type: 'text' },
  ],
  workflow: {
    statuses: ['todo', 'in_progress', 'ready_for_review', 'done', 'failed'],
    initial: 'todo',
    done: ['done'],
    claim: { from: ['todo'], to: 'in_progress', leaseMs: 30_000, maxAttempts: 3, deadLetter: 'failed' },
    transitions: [
      { from: 'in_progress', to: 'ready_for_review', by: ['owner'] },
      { from: 'ready_for_review', to: 'done', by: ['reviewer'], require: ['not:author'] },
      { from: 'ready_for_review', to: 'todo', by: ['reviewer'], require: ['not:author'] },
    ],
  },
}

export const PLAN_INTRO = `# Goal

Ship a tiny task tracker: an API, its storage, a live board UI and a user guide.
The crew coordinates only through this doc and the \`${TASKS_TABLE}\` table.
`

export const PLAN_APPROACH = `Workers pull work with claim-next (their skills must match the task's),
heartbeat while they work, write their result below, and move the task to review.
The reviewer approves (done) or sends a task back to todo; nobody reviews their own work.`

/** A progress line per task, blank lines between them so concurrent edits of different lines merge cleanly. */
export function progressBody(notes: string, lines: readonly string[]): string {
  return [`_Notes: ${notes}_`, ...lines].join('\n\n')
}

export function progressLine(task: DemoTask, state: string): string {
  return `- **${task.key}** ${task.title}: ${state}`
}

/** Replaces the line of one task (or the notes line) in a progress body. */
export function replaceProgressLine(body: string, task: DemoTask | 'notes', line: string): string {
  const prefix = task === 'notes' ? '_Notes:' : `- **${task.key}** `
  return body
    .split('\n')
    .map((l) => (l.startsWith(prefix) ? (task === 'notes' ? `_Notes: ${line}_` : line) : l))
    .join('\n')
}

export function resultSectionKey(task: DemoTask): string {
  return `${task.key.toLowerCase()}-result`
}
