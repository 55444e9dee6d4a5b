/**
 * The UI talks to Dock only through the SDK's DockClient (same origin, the
 * signed-in principal's key): every read and write the console makes is one an
 * agent could make, with the same checks and attribution.
 */
import { DockClient } from '../../client/dock-client.js'
import { isDockApiError } from '../../client/dock-api-error.js'
import { isMergeConflictError } from '../../client/merge-conflict-error.js'
import type { PrincipalView } from '../../client/api-types.js'
import type { Row } from '../../domain/types.js'

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped'

export function createClient(key: string, workspace?: string): DockClient {
  return new DockClient({ baseUrl: window.location.origin, token: key, ...(workspace ? { workspace } : {}) })
}

/** Every row of a table (pages of 500). */
export async function listAllRows(
  client: DockClient,
  table: string,
  query: { status?: string | readonly string[] } = {},
  signal?: AbortSignal,
): Promise<Row[]> {
  const out: Row[] = []
  let cursor: string | undefined
  do {
    const page = await client.listRows(
      table,
      { ...query, limit: 500, ...(cursor ? { cursor } : {}) },
      signal ? { signal } : undefined,
    )
    out.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return out
}

export async function listAllPrincipals(client: DockClient): Promise<PrincipalView[]> {
  const out: PrincipalView[] = []
  let cursor: string | undefined
  do {
    const page = await client.listPrincipals({ limit: 500, ...(cursor ? { cursor } : {}) })
    out.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return out
}

/** A sentence a human can act on: the server's reason and its stable code, or what the network said. */
export function describeError(err: unknown): string {
  if (isDockApiError(err)) return `${err.message} (${err.code})`
  if (isMergeConflictError(err)) return err.message
  if (err instanceof TypeError && /fetch/i.test(err.message))
    return 'Dock could not be reached (the server may be restarting).'
  if (err instanceof Error) return err.message
  return String(err)
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError'
}
