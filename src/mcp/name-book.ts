import type { DockClient } from '../client/dock-client.js'
import { SYSTEM_ACTOR } from '../domain/types.js'

/**
 * Names for the opaque ids a reply mentions: principals by name, docs by
 * title. A model reasons about "worker-2 claimed T3", not `p_01k…`; the ids
 * stay available in each reply's `principals` legend.
 *
 * Loaded lazily, once per server (a stdio server lives as long as its agent,
 * an HTTP one for one request), and reloaded at most once per reply when an
 * id is unknown (a principal or doc created since).
 */
export class NameBook {
  readonly #client: DockClient
  #principals: Map<string, string> | null = null
  #docs: Map<string, string> | null = null
  #statusColumns: Map<string, string> | null = null
  #reloaded = { principals: false, docs: false, tables: false }

  constructor(client: DockClient) {
    this.#client = client
  }

  /** Call at the start of each reply: allows one reload for ids not seen yet. */
  beginReply(): void {
    this.#reloaded = { principals: false, docs: false, tables: false }
  }

  async principal(id: string | null | undefined): Promise<string | null> {
    if (id === null || id === undefined) return null
    if (id === SYSTEM_ACTOR) return SYSTEM_ACTOR
    if (this.#principals === null || (!this.#principals.has(id) && !this.#reloaded.principals)) {
      this.#reloaded.principals = true
      const page = await this.#client.listPrincipals()
      this.#principals = new Map(page.items.map((p) => [p.id, p.name]))
    }
    return this.#principals.get(id) ?? id
  }

  async doc(id: string | undefined): Promise<string | undefined> {
    if (id === undefined) return undefined
    if (this.#docs === null || (!this.#docs.has(id) && !this.#reloaded.docs)) {
      this.#reloaded.docs = true
      const docs = await this.#client.listDocs()
      this.#docs = new Map(docs.map((d) => [d.id, d.title]))
    }
    return this.#docs.get(id)
  }

  /** The name of a table's status column (its value repeats `row.status`, so views leave it out). */
  async statusColumn(table: string): Promise<string> {
    if (this.#statusColumns === null || (!this.#statusColumns.has(table) && !this.#reloaded.tables)) {
      this.#reloaded.tables = true
      const tables = await this.#client.listTables()
      this.#statusColumns = new Map(tables.map((t) => [t.name, t.workflow.statusColumn]))
    }
    return this.#statusColumns.get(table) ?? 'status'
  }

  /** Teaches the book a name it just saw (a doc just created), saving a reload. */
  learnDoc(id: string, title: string): void {
    this.#docs?.set(id, title)
  }

  learnPrincipal(id: string, name: string): void {
    this.#principals?.set(id, name)
  }
}

/**
 * The `principals` legend of a reply: each name the reply uses, with its id,
 * so ids are at hand (filters, lanes) without repeating them on every line.
 */
export class Legend {
  readonly #book: NameBook
  readonly #seen = new Map<string, string>()

  constructor(book: NameBook) {
    this.#book = book
  }

  /** The principal's name (its id when unknown), remembered for the legend. */
  async name(id: string | null | undefined): Promise<string | null> {
    const name = await this.#book.principal(id)
    if (name !== null && id !== null && id !== undefined && name !== id && id !== SYSTEM_ACTOR) this.#seen.set(name, id)
    return name
  }

  get size(): number {
    return this.#seen.size
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#seen)
  }
}
