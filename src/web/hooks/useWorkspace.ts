import { createContext, useContext, useEffect, useRef } from 'react'
import type { DockClient } from '../../client/dock-client.js'
import type { PrincipalView } from '../../client/api-types.js'
import type { DockEvent, Principal, Workspace } from '../../domain/types.js'
import type { FeedStatus } from '../lib/dock.js'

export interface WorkspaceState {
  readonly key: string
  readonly me: Principal
  readonly isOperator: boolean
  /** The SDK client, with the signed-in principal's key: every read and write goes through it. */
  readonly api: DockClient
  readonly workspace: Workspace
  readonly principals: readonly PrincipalView[]
  readonly feedStatus: FeedStatus
  /** Why the server refused the change feed for good (e.g. `principal_suspended`), or null. */
  readonly feedProblem: string | null
  /**
   * Bumped each time the feed reconnects after a drop: views put it in their
   * load effects so whatever failed while the server was away is read again.
   */
  readonly epoch: number
  /** Principal id → name (falls back to the id). */
  readonly nameOf: (id: string | null | undefined) => string
  readonly subscribe: (fn: (e: DockEvent) => void) => () => void
  readonly refreshPrincipals: () => Promise<void>
  readonly setWorkspace: (w: Workspace) => void
  readonly announce: (message: string) => void
  readonly signOut: () => void
}

export const WorkspaceContext = createContext<WorkspaceState | null>(null)

export function useWorkspace(): WorkspaceState {
  const ctx = useContext(WorkspaceContext)
  if (!ctx) throw new Error('useWorkspace outside WorkspaceProvider')
  return ctx
}

/** Calls `fn` for every live event; the latest `fn` is used without re-subscribing. */
export function useFeed(fn: (e: DockEvent) => void): void {
  const { subscribe } = useWorkspace()
  const ref = useRef(fn)
  ref.current = fn
  useEffect(() => subscribe((e) => ref.current(e)), [subscribe])
}
