import { hashEvent } from '../domain/event-hash.js'
import type { DockEvent, EventTarget, EventType } from '../domain/types.js'
import type { Tx, WorkspaceRecord } from '../storage/storage.js'

export interface WriteScopeOptions {
  readonly tx: Tx
  readonly workspace: WorkspaceRecord
  readonly actor: string
  readonly requestId: string | null
  readonly signature: string | null
  readonly now: number
}

/**
 * One write transaction against one workspace: hands out revisions and appends
 * each change's event, chained to the previous one, in the same transaction.
 */
export class WriteScope {
  readonly tx: Tx
  readonly now: number
  readonly nowIso: string
  readonly actor: string
  readonly #requestId: string | null
  readonly #signature: string | null
  #ws: WorkspaceRecord
  #dirty = false

  /**
   * The one way to write through a scope: runs `fn` with a new scope and, once it
   * returns, stores the workspace's new revision and head (if `fn` emitted), so no
   * caller can forget to.
   */
  static async run<T>(opts: WriteScopeOptions, fn: (scope: WriteScope) => Promise<T>): Promise<T> {
    const scope = new WriteScope(opts)
    const result = await fn(scope)
    await scope.flush()
    return result
  }

  private constructor(opts: WriteScopeOptions) {
    this.tx = opts.tx
    this.#ws = opts.workspace
    this.actor = opts.actor
    this.#requestId = opts.requestId
    this.#signature = opts.signature
    this.now = opts.now
    this.nowIso = new Date(opts.now).toISOString()
  }

  get workspace(): WorkspaceRecord {
    return this.#ws
  }

  /** The revision the next `emit` will take: rows and tokens record it before the event exists. */
  get nextRevision(): number {
    return this.#ws.revision + 1
  }

  async emit(type: EventType, target: EventTarget, before: unknown, after: unknown): Promise<DockEvent> {
    const body = {
      workspaceId: this.#ws.id,
      revision: this.#ws.revision + 1,
      ts: this.nowIso,
      actor: this.actor,
      type,
      target,
      before: before ?? null,
      after: after ?? null,
      requestId: this.#requestId,
      signature: this.#signature,
      prevHash: this.#ws.headHash,
    }
    const event: DockEvent = { ...body, hash: hashEvent(body) }
    await this.tx.appendEvent(event)
    this.#ws = { ...this.#ws, revision: event.revision, headHash: event.hash }
    this.#dirty = true
    return event
  }

  setFrozen(frozen: boolean): void {
    this.#ws = { ...this.#ws, frozen }
    this.#dirty = true
  }

  private async flush(): Promise<void> {
    if (this.#dirty) await this.tx.updateWorkspace(this.#ws)
  }
}
