import { createContext, useContext, useEffect, useRef } from 'react'
import type { DockEvent, Principal, Workspace } from '../../domain/types.js'
import type { DockApi, PrincipalView } from '../api/dock.js'
import type { FeedStatus } from '../lib/watch.js'

export interface WorkspaceState {
  readonly key: string
  readonly me: Principal
  readonly isOperator: boolean
  readonly api: DockApi
  readonly workspace: Workspace
  readonly principals: readonly PrincipalView[]
  readonly feedStatus: FeedStatus
  /** Why the server refused the change feed for good (e.g. `principal_suspended`), or null. */
  readonly feedProblem: string | null
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
