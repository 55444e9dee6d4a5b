import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { Me, PrincipalView } from '../../client/api-types.js'
import { isDockApiError } from '../../client/dock-api-error.js'
import type { DockEvent, Workspace } from '../../domain/types.js'
import { createClient, listAllPrincipals, type FeedStatus } from '../lib/dock.js'
import { WorkspaceContext, type WorkspaceState } from '../hooks/useWorkspace.js'

interface Props {
  readonly signKey: string
  readonly me: Me
  readonly onSignOut: () => void
  readonly announce: (message: string) => void
  readonly children: ReactNode
}

/**
 * Holds the signed-in session: the SDK client, the live workspace, principals,
 * and the one change feed (the SDK's watch(): resumes after drops without gaps
 * or repeats).
 */
export function WorkspaceProvider({ signKey, me, onSignOut, announce, children }: Props) {
  const api = useMemo(() => createClient(signKey, me.workspace.id), [signKey, me.workspace.id])
  const [workspace, setWorkspace] = useState<Workspace>(me.workspace)
  const [principals, setPrincipals] = useState<readonly PrincipalView[]>([])
  const [feedStatus, setFeedStatus] = useState<FeedStatus>('connecting')
  const [feedProblem, setFeedProblem] = useState<string | null>(null)
  const [epoch, setEpoch] = useState(0)
  const listeners = useRef(new Set<(e: DockEvent) => void>())
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const refreshPrincipals = useCallback(async () => {
    try {
      setPrincipals(await listAllPrincipals(api))
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
    const ac = new AbortController()
    const deliver = (e: DockEvent): void => {
      setWorkspace((w) => {
        let next = e.revision > w.revision ? { ...w, revision: e.revision } : w
        if (e.type === 'workspace.frozen' || e.type === 'workspace.unfrozen')
          next = { ...next, frozen: e.type === 'workspace.frozen' }
        return next
      })
      // Open claims and budget use live on the principals list.
      if (e.type.startsWith('principal.') || (e.type.startsWith('row.') && e.type !== 'row.note_added'))
        scheduleRefresh()
      for (const fn of listeners.current) {
        try {
          fn(e)
        } catch (err) {
          // One view's bug must not starve the others of events; the browser still reports it.
          reportError(err)
        }
      }
    }
    void (async () => {
      try {
        for await (const e of api.watch({
          since: me.workspace.revision,
          signal: ac.signal,
          retryMaxMs: 3000,
          // Three missed heartbeats: the connection is dead even if TCP has not said so.
          idleTimeoutMs: 35_000,
          onConnect: ({ connection }) => {
            setFeedStatus('live')
            // Back after a drop: views re-read what they may have failed to load meanwhile.
            if (connection > 1) {
              setEpoch((n) => n + 1)
              void refreshPrincipals()
            }
          },
          onReconnect: () => setFeedStatus('reconnecting'),
        }))
          deliver(e)
        if (!ac.signal.aborted) setFeedStatus('stopped')
      } catch (err) {
        if (ac.signal.aborted) return
        const code = isDockApiError(err) ? err.code : 'internal'
        setFeedStatus('stopped')
        setFeedProblem(code)
        announce(`Live updates stopped: ${code}`)
      }
    })()
    return () => {
      ac.abort()
      if (refreshTimer.current) clearTimeout(refreshTimer.current)
      refreshTimer.current = null
    }
  }, [api, me.workspace.revision, refreshPrincipals, scheduleRefresh, announce])

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

  const nameOf = useCallback((id: string | null | undefined) => (id ? (names.get(id) ?? id) : '—'), [names])

  const value: WorkspaceState = useMemo(
    () => ({
      key: signKey,
      me: me.principal,
      isOperator: me.principal.roles.includes('operator'),
      api,
      workspace,
      principals,
      feedStatus,
      feedProblem,
      epoch,
      nameOf,
      subscribe,
      refreshPrincipals,
      setWorkspace,
      announce,
      signOut: onSignOut,
    }),
    [
      signKey,
      me.principal,
      api,
      workspace,
      principals,
      feedStatus,
      feedProblem,
      epoch,
      nameOf,
      subscribe,
      refreshPrincipals,
      announce,
      onSignOut,
    ],
  )

  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>
}
