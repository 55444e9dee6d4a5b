import type { DockClient } from '../client/index.js'

/**
 * Principal id → name and doc id → title, for human output. Each list is
 * fetched once per run and again when an unknown id shows up (once per id);
 * lookups never fail: an unknown id prints as itself.
 */
export class Names {
  readonly #principals: Lookup
  readonly #docs: Lookup

  constructor(dock: DockClient) {
    this.#principals = new Lookup(async () => {
      const pairs: [string, string][] = []
      let cursor: string | undefined
      do {
        const page = await dock.listPrincipals(cursor === undefined ? { limit: 500 } : { limit: 500, cursor })
        pairs.push(...page.items.map((p): [string, string] => [p.id, p.name]))
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined)
      return pairs
    }, [['system', 'system']])
    this.#docs = new Lookup(async () => (await dock.listDocs()).map((d): [string, string] => [d.id, d.title]))
  }

  /** Makes sure these principal ids are looked up (one request at most). */
  async loadPrincipals(ids: readonly (string | null | undefined)[]): Promise<void> {
    await this.#principals.load(ids)
  }

  async loadDocs(ids: readonly (string | null | undefined)[]): Promise<void> {
    await this.#docs.load(ids)
  }

  /** A principal's name if known, else the id; `-` for none. */
  principal(id: string | null | undefined): string {
    return this.#principals.get(id)
  }

  doc(id: string | null | undefined): string {
    return this.#docs.get(id)
  }
}

class Lookup {
  readonly #fetch: () => Promise<[string, string][]>
  readonly #names: Map<string, string>
  /** Ids a refresh did not find: not asked for again. */
  readonly #missing = new Set<string>()
  #pending: Promise<void> | undefined

  constructor(fetchAll: () => Promise<[string, string][]>, known: [string, string][] = []) {
    this.#fetch = fetchAll
    this.#names = new Map(known)
  }

  get(id: string | null | undefined): string {
    if (id === null || id === undefined) return '-'
    return this.#names.get(id) ?? id
  }

  async load(ids: readonly (string | null | undefined)[]): Promise<void> {
    const unknown = ids.filter(
      (id): id is string => id !== null && id !== undefined && !this.#names.has(id) && !this.#missing.has(id),
    )
    if (unknown.length === 0) return
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = undefined
    })
    await this.#pending
    for (const id of unknown) if (!this.#names.has(id)) this.#missing.add(id)
  }

  async #refresh(): Promise<void> {
    try {
      for (const [id, name] of await this.#fetch()) this.#names.set(id, name)
    } catch {
      // Names are a nicety; ids will do.
    }
  }
}
