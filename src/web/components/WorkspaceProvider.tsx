import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { DockEvent, Workspace } from '../../domain/types.js'
import { createApi, type Me, type PrincipalView } from '../api/dock.js'
import { watchWorkspace, type FeedStatus } from '../lib/watch.js'
import { WorkspaceContext, type WorkspaceState } from '../hooks/useWorkspace.js'

interface Props {
  readonly signKey: string
  readonly me: Me
  readonly onSignOut: () => void
  readonly announce: (message: string) => void
  readonly children: ReactNode
}

/** Holds the signed-in session: the API, the live workspace, principals, and the one change feed. */
export function WorkspaceProvider({ signKey, me, onSignOut, announce, children }: Props) {
  const api = useMemo(() => createApi(signKey, me.workspace.id), [signKey, me.workspace.id])
  const [workspace, setWorkspace] = useState<Workspace>(me.workspace)
  const [principals, setPrincipals] = useState<readonly PrincipalView[]>([])
  const [feedStatus, setFeedStatus] = useState<FeedStatus>('connecting')
  const [feedProblem, setFeedProblem] = useState<string | null>(null)
  const listeners = useRef(new Set<(e: DockEvent) => void>())
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const refreshPrincipals = useCallback(async () => {
    try {
      setPrincipals(await api.principals())
    } catch {
      /* keep the last list; the feed status tells the user if the server is gone */
    }
  }, [api])

  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current) return
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null
      void refreshPrincipals()
    }, 250)
  }, [refreshPrincipals])

  useEffect(() => {
    void refreshPrincipals()
    const stop = watchWorkspace({
      key: signKey,
      workspace: me.workspace.id,
      since: me.workspace.revision,
      onStatus: (s) => setFeedStatus(s),
      onFatal: (_status, code) => {
        setFeedProblem(code)
        announce(`Live updates stopped: ${code}`)
      },
      onEvent: (e) => {
        setWorkspace((w) => {
          let next = e.revision > w.revision ? { ...w, revision: e.revision } : w
          if (e.type === 'workspace.frozen' || e.type === 'workspace.unfrozen') {
            const after = e.after as Partial<Workspace> | null
            next = { ...next, frozen: typeof after?.frozen === 'boolean' ? after.frozen : e.type === 'workspace.frozen' }
          }
          return next
        })
        // Open claims and budget use live on the principals list.
        if (e.type.startsWith('principal.') || e.type.startsWith('row.')) {
          scheduleRefresh()
        }
        for (const fn of listeners.current) {
          try {
            fn(e)
          } catch (err) {
            console.error(err)
          }
        }
      },
    })
    return () => {
      stop()
      if (refreshTimer.current) clearTimeout(refreshTimer.current)
      refreshTimer.current = null
    }
  }, [signKey, me.workspace.id, me.workspace.revision, refreshPrincipals, scheduleRefresh, announce])

  const subscribe = useCallback((fn: (e: DockEvent) => void) => {
    listeners.current.add(fn)
    return () => {
      listeners.current.delete(fn)
    }
  }, [])

  const names = useMemo(() => {
    const m = new Map<string, string>()
    m.set(me.principal.id, me.principal.name)
    for (const p of principals) m.set(p.id, p.name)
    return m
  }, [principals, me.principal])

  const nameOf = useCallback((id: string | null | undefined) => (id ? names.get(id) ?? id : '—'), [names])

  const value: WorkspaceState = useMemo(() => ({
    key: signKey,
    me: me.principal,
    isOperator: me.principal.roles.includes('operator'),
    api,
    workspace,
    principals,
    feedStatus,
    feedProblem,
    nameOf,
    subscribe,
    refreshPrincipals,
    setWorkspace,
    announce,
    signOut: onSignOut,
  }), [signKey, me.principal, api, workspace, principals, feedStatus, feedProblem, nameOf, subscribe, refreshPrincipals, announce, onSignOut])

  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>
}
