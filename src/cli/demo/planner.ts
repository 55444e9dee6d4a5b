import type { DockClient } from '../../client/index.js'
import type { Row } from '../../domain/types.js'
import type { DemoContext } from './demo-context.js'
import {
  DEMO_TASKS,
  PLAN_APPROACH,
  PLAN_DOC,
  PLAN_INTRO,
  PROGRESS_SECTION,
  TASKS_TABLE,
  TASKS_TABLE_INPUT,
  progressBody,
  progressLine,
  replaceProgressLine,
} from './demo-script.js'

/** Writes the plan and creates the tasks; later keeps a notes line in the Progress section. */
export class Planner {
  readonly name: string
  readonly #dock: DockClient
  readonly #ctx: DemoContext

  constructor(name: string, dock: DockClient, ctx: DemoContext) {
    this.name = name
    this.#dock = dock
    this.#ctx = ctx
  }

  async writePlan(): Promise<void> {
    const { narrator, pace, stats } = this.#ctx
    const doc = await this.#dock.createDoc({ title: PLAN_DOC, content: PLAN_INTRO })
    narrator.say(
      this.name,
      `wrote the plan doc "${doc.title}" (section ${doc.sections.map((s) => s.heading).join(', ')})`,
    )
    await pace.beat()
    await this.#dock.writeSection(PLAN_DOC, 'approach', { heading: 'Approach', body: PLAN_APPROACH })
    stats.sectionWrites++
    narrator.say(this.name, 'wrote section "Approach"')
    await pace.beat()

    const table = await this.#dock.createTable(TASKS_TABLE_INPUT)
    narrator.say(
      this.name,
      `created table ${table.name}: ${table.workflow.statuses.join(' → ')}; review gate: a reviewer, never the author`,
    )
    const ids = new Map<string, string>()
    for (const task of DEMO_TASKS) {
      await pace.beat(0.5)
      const row: Row = await this.#dock.createRow(TASKS_TABLE, {
        values: { key: task.key, title: task.title },
        blockedBy: task.blockedBy.map((key) => ids.get(key) ?? key),
        requiredSkills: task.skills,
        priority: task.priority,
      })
      ids.set(task.key, row.id)
      const blocked = task.blockedBy.length > 0 ? `, blocked by ${task.blockedBy.join(' and ')}` : ''
      narrator.say(
        this.name,
        `created ${task.key} "${task.title}" (needs ${task.skills.join('+')}, priority ${task.priority}${blocked})`,
      )
    }

    await this.#dock.writeSection(PLAN_DOC, PROGRESS_SECTION, {
      heading: 'Progress',
      body: progressBody(
        'nothing picked up yet.',
        DEMO_TASKS.map((t) => progressLine(t, 'todo')),
      ),
    })
    stats.sectionWrites++
    narrator.say(this.name, 'wrote section "Progress": one line per task')
  }

  /** Rewrites the notes line of the Progress section (read-modify-write, retried on conflict). */
  async note(text: string): Promise<number> {
    const written = await this.#dock.writeSection(PLAN_DOC, PROGRESS_SECTION, (body) =>
      replaceProgressLine(body, 'notes', text),
    )
    this.#ctx.stats.sectionWrites++
    this.#ctx.narrator.say(this.name, `updated the notes in "Progress": ${text} (v${written.section.version})`)
    return written.section.version
  }
}
