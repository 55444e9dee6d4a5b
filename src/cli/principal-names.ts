import type { DockClient } from '../client/index.js'

/**
 * Principal id → name, for human output. Fetched once per run and refetched
 * when an unknown id shows up; lookups never fail (an unknown id prints as itself).
 */
export class PrincipalNames {
  readonly #dock: DockClient
  readonly #names = new Map<string, string>([['system', 'system']])
  /** Ids a refresh did not find: not asked for again. */
  readonly #missing = new Set<string>()
  #loaded: Promise<void> | undefined

  constructor(dock: DockClient) {
    this.#dock = dock
  }

  async name(id: string | null | undefined): Promise<string> {
    if (id === null || id === undefined) return '-'
    if (this.#unknown(id)) await this.#refresh([id])
    return this.#names.get(id) ?? id
  }

  /** Names for many ids at once (one refresh at most). */
  async names(ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
    const unknown = ids.filter((id): id is string => this.#unknown(id))
    if (unknown.length > 0) await this.#refresh(unknown)
    return this.#names
  }

  /** The name if known already, without a request. */
  peek(id: string | null | undefined): string {
    if (id === null || id === undefined) return '-'
    return this.#names.get(id) ?? id
  }

  #unknown(id: string | null | undefined): boolean {
    return id !== null && id !== undefined && !this.#names.has(id) && !this.#missing.has(id)
  }

  async #refresh(ids: readonly string[]): Promise<void> {
    this.#loaded ??= this.#load().finally(() => {
      this.#loaded = undefined
    })
    await this.#loaded
    for (const id of ids) if (!this.#names.has(id)) this.#missing.add(id)
  }

  async #load(): Promise<void> {
    try {
      let cursor: string | undefined
      do {
        const page = await this.#dock.listPrincipals(cursor === undefined ? { limit: 500 } : { limit: 500, cursor })
        for (const p of page.items) this.#names.set(p.id, p.name)
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined)
    } catch {
      // Names are a nicety; ids are fine.
    }
  }
}
