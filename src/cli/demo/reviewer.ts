import { isDockApiError, type DockClient } from '../../client/index.js'
import type { Row } from '../../domain/types.js'
import { boardFinished, MAX_IDLE_MS, taskOf, waitForBoard, type DemoContext } from './demo-context.js'
import {
  PLAN_DOC,
  PROGRESS_SECTION,
  TASKS_TABLE,
  progressLine,
  replaceProgressLine,
  resultSectionKey,
  type DemoTask,
} from './demo-script.js'

const SEND_BACK_NOTE = 'Needs a test that two concurrent claims never both succeed.'

/** Reviews what lands in ready_for_review: approves, or sends one task back once. */
export class Reviewer {
  readonly name: string
  readonly #dock: DockClient
  readonly #ctx: DemoContext
  readonly #sendBackOnce: string
  #sentBack = false

  constructor(name: string, dock: DockClient, ctx: DemoContext, sendBackOnce: string) {
    this.name = name
    this.#dock = dock
    this.#ctx = ctx
    this.#sendBackOnce = sendBackOnce
  }

  async run(): Promise<void> {
    const { signal, narrator } = this.#ctx
    let idleSince = Date.now()
    while (!signal.aborted) {
      const since = (await this.#dock.getWorkspace(undefined, { signal })).revision
      const waiting = await this.#dock.listRows(TASKS_TABLE, { status: 'ready_for_review' }, { signal })
      for (const row of waiting.items) {
        if (signal.aborted) return
        await this.#review(row)
      }
      if (waiting.items.length > 0) {
        idleSince = Date.now()
        continue
      }
      if (await boardFinished(this.#dock)) break
      if (await waitForBoard(this.#dock, since, signal)) idleSince = Date.now()
      else if (Date.now() - idleSince >= MAX_IDLE_MS) {
        narrator.say(this.name, 'nothing to review for a long while; stopping')
        return
      }
    }
    if (!signal.aborted) narrator.say(this.name, 'every task is done; signing off')
  }

  async #review(row: Row): Promise<void> {
    const { narrator, pace, stats, names } = this.#ctx
    const task = taskOf(row)
    const author = names.get(row.author) ?? row.author
    const result = await this.#dock.getSection(PLAN_DOC, resultSectionKey(task))
    narrator.say(this.name, `reviewing ${task.key} by ${author}: "${firstLine(result.body)}"`)
    await pace.beat(2)

    const sendBack = !this.#sentBack && task.key === this.#sendBackOnce
    try {
      await this.#dock.transition(TASKS_TABLE, row.id, {
        to: sendBack ? 'todo' : 'done',
        expectedVersion: row.version,
        values: { review: sendBack ? SEND_BACK_NOTE : 'Approved.' },
      })
    } catch (err) {
      // Someone moved it meanwhile: the next listing shows where it is now.
      if (isDockApiError(err) && err.code === 'version_conflict') return
      throw err
    }
    if (sendBack) {
      this.#sentBack = true
      stats.sendBacks++
      narrator.say(this.name, narrator.refusal(`sent ${task.key} back to todo: "${SEND_BACK_NOTE}"`))
      await this.#noteProgress(task, 'sent back: needs a concurrency test')
    } else {
      stats.approvals++
      narrator.say(this.name, narrator.good(`approved ${task.key} → done`))
      await this.#noteProgress(task, `done ✓ (${author}, approved by ${this.name})`)
    }
  }

  async #noteProgress(task: DemoTask, state: string): Promise<void> {
    await this.#dock.writeSection(PLAN_DOC, PROGRESS_SECTION, (body) =>
      replaceProgressLine(body, task, progressLine(task, state)),
    )
    this.#ctx.stats.sectionWrites++
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? ''
  return line.length > 70 ? `${line.slice(0, 67)}...` : line
}
