import type { Principal, Workspace } from '../domain/types.js'
import type { PrincipalRecord, WorkspaceRecord } from '../storage/storage.js'

/** What the API shows of stored records: never the hashes kept beside them. */
export function publicWorkspace(ws: WorkspaceRecord): Workspace {
  return { id: ws.id, name: ws.name, revision: ws.revision, frozen: ws.frozen, createdAt: ws.createdAt }
}

export function publicPrincipal(p: PrincipalRecord): Principal {
  const { keyHash: _keyHash, quotaRoot: _quotaRoot, ...rest } = p
  return rest
}
