/** Typed calls the UI makes, one function per route. */
import type { Doc, DockEvent, Principal, Row, Table, Workspace } from '../../domain/types.js'
import type { DocSummary, EventsPage as EventPage, Me, Page, PrincipalView } from '../../client/api-types.js'
import { apiRequest, seg } from './client.js'

// Reply shapes are the SDK's (type-only, so nothing of the client ships in the bundle).
export type { DocSummary, Me, OpenClaim, Page, PrincipalView, EventsPage as EventPage } from '../../client/api-types.js'

export interface EventFilters {
  readonly table?: string
  readonly doc?: string
  readonly actor?: string
  readonly type?: string
  readonly status?: string
}

export function createApi(key: string, ws: string) {
  const w = `/workspaces/${seg(ws)}`
  return {
    me: () => apiRequest<Me>(key, '/me'),
    workspace: () => apiRequest<Workspace>(key, w),
    freeze: () => apiRequest<Workspace>(key, `${w}/freeze`, { method: 'POST', body: {} }),
    unfreeze: () => apiRequest<Workspace>(key, `${w}/unfreeze`, { method: 'POST', body: {} }),
    principals: async (): Promise<PrincipalView[]> => {
      const out: PrincipalView[] = []
      let cursor: string | null = null
      do {
        const page: Page<PrincipalView> = await apiRequest<Page<PrincipalView>>(key, `${w}/principals`, { query: { limit: 500, cursor } })
        out.push(...page.items)
        cursor = page.nextCursor
      } while (cursor)
      return out
    },
    suspend: (id: string) => apiRequest<Principal>(key, `${w}/principals/${seg(id)}/suspend`, { method: 'POST', body: {} }),
    resume: (id: string) => apiRequest<Principal>(key, `${w}/principals/${seg(id)}/resume`, { method: 'POST', body: {} }),
    tables: () => apiRequest<Page<Table>>(key, `${w}/tables`).then((p) => p.items),
    table: (name: string) => apiRequest<Table>(key, `${w}/tables/${seg(name)}`),
    rows: async (table: string): Promise<Row[]> => {
      const out: Row[] = []
      let cursor: string | null = null
      do {
        const page: Page<Row> = await apiRequest<Page<Row>>(key, `${w}/tables/${seg(table)}/rows`, { query: { limit: 500, cursor } })
        out.push(...page.items)
        cursor = page.nextCursor
      } while (cursor)
      return out
    },
    docs: () => apiRequest<Page<DocSummary>>(key, `${w}/docs`).then((p) => p.items),
    doc: (id: string) => apiRequest<Doc>(key, `${w}/docs/${seg(id)}`),
    sectionHistory: (doc: string, section: string) =>
      apiRequest<{ items: DockEvent[] }>(key, `${w}/docs/${seg(doc)}/sections/${seg(section)}/history`).then((p) => p.items),
    events: (since: number, limit: number, filters: EventFilters = {}, signal?: AbortSignal) =>
      apiRequest<EventPage>(key, `${w}/events`, { query: { since, limit, ...filters }, ...(signal ? { signal } : {}) }),
  }
}

export type DockApi = ReturnType<typeof createApi>
