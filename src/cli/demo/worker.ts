import { isDockApiError, type Claim, type DockClient } from '../../client/index.js'
import type { Section } from '../../domain/types.js'
import { boardFinished, clock, MAX_IDLE_MS, seconds, taskOf, waitForBoard, type DemoContext } from './demo-context.js'
import {
  PLAN_DOC,
  PROGRESS_SECTION,
  TASKS_TABLE,
  progressLine,
  replaceProgressLine,
  resultSectionKey,
  type DemoTask,
} from './demo-script.js'
import type { Planner } from './planner.js'

export interface WorkerOptions {
  /** Writes its first progress note from a stale read, to show the refusal and the merge. */
  readonly staleWriter: boolean
  /** Tries to approve its own first task, to show the review gate. */
  readonly triesSelfApproval: boolean
}

/** Loops on claim-next until the board is finished: work, heartbeat, write the result, hand to review. */
export class Worker {
  readonly name: string
  readonly #dock: DockClient
  readonly #ctx: DemoContext
  readonly #planner: Planner
  #staleWriter: boolean
  #triesSelfApproval: boolean

  constructor(name: string, dock: DockClient, ctx: DemoContext, planner: Planner, options: WorkerOptions) {
    this.name = name
    this.#dock = dock
    this.#ctx = ctx
    this.#planner = planner
    this.#staleWriter = options.staleWriter
    this.#triesSelfApproval = options.triesSelfApproval
  }

  async run(): Promise<void> {
    const { signal, narrator } = this.#ctx
    let idleSince = Date.now()
    while (!signal.aborted) {
      const since = (await this.#dock.getWorkspace(undefined, { signal })).revision
      const claim = await this.#dock.claimNext(TASKS_TABLE, {}, { signal })
      if (claim !== null) {
        idleSince = Date.now()
        await this.#work(claim)
        continue
      }
      if (await boardFinished(this.#dock)) break
      if (await waitForBoard(this.#dock, since, signal)) idleSince = Date.now()
      else if (Date.now() - idleSince >= MAX_IDLE_MS) {
        narrator.say(this.name, 'nothing I can claim for a long while; stopping')
        return
      }
    }
    if (!signal.aborted) narrator.say(this.name, 'board finished; signing off')
  }

  async #work(claim: Claim): Promise<void> {
    const { narrator, pace, stats } = this.#ctx
    const { row, lease } = claim
    const task = taskOf(row)
    const redo = row.attempts > 1
    stats.claims++
    const leaseMs = Date.parse(lease.expiresAt) - Date.now()
    narrator.say(
      this.name,
      `claimed ${task.key} "${task.title}" (token ${lease.token}, lease ${seconds(leaseMs)}${redo ? `, attempt ${row.attempts}` : ''})`,
    )
    await pace.beat(2)

    const beat = await this.#dock.heartbeat(TASKS_TABLE, row.id, { fencingToken: lease.token })
    stats.heartbeats++
    narrator.say(this.name, `heartbeat on ${task.key}: lease extended to ${clock(beat.lease.expiresAt)}`)
    await pace.beat(2)

    const result = redo && task.fix !== undefined ? `${task.result}\n\n${task.fix}` : task.result
    await this.#dock.writeSection(PLAN_DOC, resultSectionKey(task), {
      heading: `${task.key} result: ${task.title}`,
      body: result,
    })
    stats.sectionWrites++
    narrator.say(
      this.name,
      `wrote section "${task.key} result" in the plan${redo ? ' (with the fix the reviewer asked for)' : ''}`,
    )
    await pace.beat()

    await this.#noteProgress(task, `in review (${this.name})`)
    await pace.beat()

    const moved = await this.#dock.transition(TASKS_TABLE, row.id, {
      to: 'ready_for_review',
      fencingToken: lease.token,
      values: { result: result.replace(/\n+/g, ' ') },
    })
    narrator.say(this.name, `moved ${task.key} to ${moved.status}`)

    if (this.#triesSelfApproval) {
      this.#triesSelfApproval = false
      await this.#trySelfApproval(task, row.id)
    }
  }

  async #noteProgress(task: DemoTask, state: string): Promise<void> {
    const line = progressLine(task, state)
    if (this.#staleWriter) {
      this.#staleWriter = false
      await this.#staleProgressWrite(task, line)
      return
    }
    await this.#dock.writeSection(PLAN_DOC, PROGRESS_SECTION, (body) => replaceProgressLine(body, task, line))
    this.#ctx.stats.sectionWrites++
    this.#ctx.narrator.say(this.name, `marked ${task.key} "${state}" in Progress`)
  }

  /**
   * The scene the demo exists for: this worker read Progress, the planner
   * wrote it meanwhile, so the write with the old version is refused (409);
   * the SDK's three-way merge keeps both edits and the retry goes through.
   */
  async #staleProgressWrite(task: DemoTask, line: string): Promise<void> {
    const { narrator, pace, stats } = this.#ctx
    const read = await this.#dock.getSection(PLAN_DOC, PROGRESS_SECTION)
    narrator.say(this.name, `read "Progress" at v${read.version} and edits ${task.key}'s line (slowly)…`)
    await this.#planner.note(`${task.key} is with ${this.name}; review as soon as it lands.`)
    await pace.beat()

    const mine = replaceProgressLine(read.body, task, line)
    try {
      await this.#dock.writeSection(PLAN_DOC, PROGRESS_SECTION, { body: mine, expectedVersion: read.version })
      stats.sectionWrites++
      narrator.say(this.name, `wrote "Progress" (no one else had written it)`)
      return
    } catch (err) {
      if (!isDockApiError(err) || err.code !== 'version_conflict') throw err
      stats.staleWritesRefused++
      const current = (err.current as Partial<Section> | undefined)?.version
      narrator.say(
        this.name,
        narrator.refusal(
          `stale write refused: 409 version_conflict ("Progress" is at v${current ?? '?'}, I read v${read.version})`,
        ),
      )
    }
    await pace.beat()
    const written = await this.#dock.writeSectionMerging(PLAN_DOC, PROGRESS_SECTION, read.body, mine)
    stats.sectionWrites++
    stats.merges++
    narrator.say(
      this.name,
      narrator.good(
        `merged my line with the planner's note (three-way merge) and retried: "Progress" v${written.section.version}`,
      ),
    )
  }

  async #trySelfApproval(task: DemoTask, rowId: string): Promise<void> {
    const { narrator, stats } = this.#ctx
    try {
      await this.#dock.transition(TASKS_TABLE, rowId, { to: 'done' })
      narrator.say(this.name, `approved my own ${task.key}?! the review gate should have refused that`)
    } catch (err) {
      if (!isDockApiError(err)) throw err
      stats.gateRefusals++
      narrator.say(
        this.name,
        narrator.refusal(`tried to approve my own ${task.key}: refused, ${err.code} (${err.message})`),
      )
    }
  }
}
