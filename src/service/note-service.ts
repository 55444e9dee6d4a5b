import { MAX_NOTE_LENGTH, type NotesParsedQuery } from '../api/rows.js'
import { DockError } from '../domain/errors.js'
import { authorize } from './access.js'
import { rowTarget } from './claim-helpers.js'
import type { EventService } from './event-service.js'
import { findRow } from './lookups.js'
import type { ServiceCore } from './service-core.js'
import type { Caller, RowNote, RowNotePage } from './service-types.js'

/**
 * Notes on rows. A note is an event (`row.note_added`, after `{text}`, target
 * the row) and nothing else: it advances the workspace revision but not the
 * row's version, so adding one never invalidates anybody's precondition, and
 * the log is its only store (the storage port needs no new table).
 */
export class NoteService {
  readonly #core: ServiceCore
  readonly #events: EventService

  constructor(core: ServiceCore, events: EventService) {
    this.#core = core
    this.#events = events
  }

  /** Every role may note: reviewers need notes for their send-backs, members for hand-offs. */
  async addNote(caller: Caller, ws: string, tableName: string, id: string, text: string): Promise<RowNote> {
    authorize(caller, 'row.note')
    const trimmed = text.trim()
    if (trimmed === '') throw new DockError('invalid_input', 'a note needs some text')
    if (trimmed.length > MAX_NOTE_LENGTH)
      throw new DockError('invalid_input', `a note is at most ${MAX_NOTE_LENGTH} characters`)
    return this.#core.write(caller, ws, async (scope) => {
      const row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      const e = await scope.emit('row.note_added', rowTarget(row), null, { text: trimmed })
      return { revision: e.revision, ts: e.ts, actor: e.actor, table: row.table, rowId: row.id, text: trimmed }
    })
  }

  /** A row's notes, oldest first: the log's `row.note_added` events targeting it. */
  async listNotes(
    caller: Caller,
    ws: string,
    tableName: string,
    id: string,
    opts: NotesParsedQuery,
  ): Promise<RowNotePage> {
    const w = await this.#core.readWorkspace(caller, ws)
    await this.#core.storage.read((tx) => findRow(tx, w.id, tableName, id))
    const page = await this.#events.listEvents(caller, ws, {
      since: opts.since,
      limit: opts.limit,
      filter: { rows: [id], types: ['row.note_added'] },
    })
    const items = page.items.map((e) => ({
      revision: e.revision,
      ts: e.ts,
      actor: e.actor,
      table: tableName,
      rowId: id,
      text: String((e.after as { text?: unknown } | null)?.text ?? ''),
    }))
    return { items, nextSince: page.nextSince }
  }
}
