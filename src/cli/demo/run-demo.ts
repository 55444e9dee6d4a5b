import type { AuditReport } from '../../client/index.js'
import { DockClient } from '../../client/index.js'
import type { Row } from '../../domain/types.js'
import { CliError } from '../cli-error.js'
import { renderTable } from '../format.js'
import { emptyStats, type DemoContext, type DemoStats } from './demo-context.js'
import {
  DEMO_TASKS,
  PLANNER,
  REVIEWER,
  SELF_APPROVER,
  SENT_BACK_TASK,
  STALE_WRITER,
  TASKS_TABLE,
  WORKERS,
  type CrewMember,
} from './demo-script.js'
import type { Narrator } from './narrator.js'
import type { Pace } from './pace.js'
import { Planner } from './planner.js'
import { Reviewer } from './reviewer.js'
import { Worker } from './worker.js'

export interface RunDemoOptions {
  readonly url: string
  /** An operator key of `workspace`: it adds the crew and verifies the audit chain. */
  readonly operatorKey: string
  readonly workspace: string
  readonly narrator: Narrator
  readonly pace: Pace
  readonly signal: AbortSignal
}

export interface DemoTaskSummary {
  readonly key: string
  readonly title: string
  readonly id: string
  readonly status: string
  /** Crew name of the last claimant. */
  readonly doneBy: string
  readonly attempts: number
  readonly review: string | null
}

export interface DemoSummary {
  readonly workspace: string
  readonly tasks: readonly DemoTaskSummary[]
  readonly allDone: boolean
  /** Workspace revision at the end: the number of events the run wrote, bootstrap included. */
  readonly revision: number
  readonly stats: DemoStats
  readonly audit: AuditReport
}

/** Runs the crew to completion and returns what happened; the caller owns the server. */
export async function runDemo(options: RunDemoOptions): Promise<DemoSummary> {
  const { narrator, pace } = options
  const operator = new DockClient({ baseUrl: options.url, token: options.operatorKey, workspace: options.workspace })
  // One failing agent stops the others (and so does Ctrl-C).
  const stop = new AbortController()
  const onAbort = (): void => stop.abort()
  if (options.signal.aborted) stop.abort()
  else options.signal.addEventListener('abort', onAbort, { once: true })
  const ctx: DemoContext = { narrator, pace, signal: stop.signal, names: new Map(), stats: emptyStats() }

  try {
    narrator.heading('The crew')
    const client = async (member: CrewMember): Promise<DockClient> => {
      const created = await operator.createPrincipal({
        name: member.name,
        kind: 'agent',
        roles: member.roles,
        skills: member.skills,
      })
      ctx.names.set(created.principal.id, member.name)
      const skills = member.skills.length > 0 ? `skills ${member.skills.join(', ')}` : `role ${member.roles.join(', ')}`
      narrator.say(member.name, `joined with its own key (${skills})`)
      return new DockClient({ baseUrl: options.url, token: created.key, workspace: options.workspace })
    }
    const planner = new Planner(PLANNER.name, await client(PLANNER), ctx)
    const workers: Worker[] = []
    for (const member of WORKERS) {
      workers.push(
        new Worker(member.name, await client(member), ctx, planner, {
          staleWriter: member.name === STALE_WRITER,
          triesSelfApproval: member.name === SELF_APPROVER,
        }),
      )
    }
    const reviewer = new Reviewer(REVIEWER.name, await client(REVIEWER), ctx, SENT_BACK_TASK)

    narrator.heading('The plan')
    await planner.writePlan()
    await pace.beat()

    if (stop.signal.aborted) throw new CliError('interrupted', 'the demo was interrupted')
    narrator.heading('The work')
    try {
      await Promise.all(
        [...workers.map((w) => w.run()), reviewer.run()].map((p) =>
          p.catch((err: unknown) => {
            stop.abort()
            throw err
          }),
        ),
      )
    } catch (err) {
      if (!options.signal.aborted) throw err
    }
    if (options.signal.aborted) throw new CliError('interrupted', 'the demo was interrupted')

    const rows = (await operator.listRows(TASKS_TABLE, { limit: 500 })).items
    const tasks = DEMO_TASKS.map((task) => summarize(task.key, task.title, rows, ctx.names))
    const audit = await operator.verifyAudit()
    const revision = (await operator.getWorkspace()).revision
    return {
      workspace: options.workspace,
      tasks,
      allDone: tasks.every((t) => t.status === 'done'),
      revision,
      stats: ctx.stats,
      audit,
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort)
  }
}

function summarize(
  key: string,
  title: string,
  rows: readonly Row[],
  names: ReadonlyMap<string, string>,
): DemoTaskSummary {
  const row = rows.find((r) => r.values['key'] === key)
  const review = row?.values['review']
  return {
    key,
    title,
    id: row?.id ?? '-',
    status: row?.status ?? 'missing',
    doneBy: row === undefined ? '-' : (names.get(row.author) ?? row.author),
    attempts: row?.attempts ?? 0,
    review: typeof review === 'string' ? review : null,
  }
}

/** The closing lines: the task table, the counts, the audit verdict. */
export function renderSummary(summary: DemoSummary, narrator: Narrator): string {
  const table = renderTable(
    ['task', 'title', 'status', 'done by', 'attempts'],
    summary.tasks.map((t) => [t.key, t.title, t.status, t.doneBy, t.attempts]),
  )
  const done = summary.tasks.filter((t) => t.status === 'done').length
  const s = summary.stats
  const counts =
    `${done}/${summary.tasks.length} tasks done · ${summary.revision} events in the log · ${s.claims} claims · ${s.heartbeats} heartbeats · ` +
    `${s.sectionWrites} section writes · ${s.staleWritesRefused} stale write refused and merged · ${s.sendBacks} sent back · ` +
    `${s.gateRefusals} self-approval refused`
  const a = summary.audit
  const audit = a.ok
    ? narrator.good(`audit ok: ${a.checked} events checked, hash chain intact to revision ${a.headRevision}`)
    : narrator.refusal(
        `audit BROKEN at revision ${a.firstBreak?.revision ?? '?'}: ${a.firstBreak?.reason ?? 'unknown'}`,
      )
  return `${table}\n${counts}\n${audit}\n`
}
