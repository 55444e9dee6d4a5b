import { useCallback, useEffect, useState } from 'react'
import { ApiError, apiRequest, describeError } from '../api/client.js'
import type { Me } from '../api/dock.js'
import { loadKey, saveKey } from '../lib/storedKey.js'
import { LiveAnnouncer, useAnnouncer } from './LiveAnnouncer.js'
import { SignIn } from './SignIn.js'
import { WorkspaceProvider } from './WorkspaceProvider.js'
import { Shell } from './Shell.js'

type Session = { state: 'signed-out'; error?: string } | { state: 'checking'; key: string } | { state: 'in'; key: string; me: Me }

export function App() {
  const [session, setSession] = useState<Session>(() => {
    const key = loadKey()
    return key ? { state: 'checking', key } : { state: 'signed-out' }
  })
  const { message, announce } = useAnnouncer()

  const signIn = useCallback(async (key: string): Promise<string | null> => {
    try {
      const me = await apiRequest<Me>(key, '/me')
      saveKey(key)
      setSession({ state: 'in', key, me })
      return null
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        return err.code === 'principal_suspended' ? 'This principal is suspended.' : 'That key was not accepted.'
      }
      return `Could not reach Dock: ${describeError(err)}`
    }
  }, [])

  useEffect(() => {
    if (session.state !== 'checking') return
    let cancelled = false
    void signIn(session.key).then((error) => {
      if (cancelled || error === null) return
      saveKey(null)
      setSession({ state: 'signed-out', error })
    })
    return () => {
      cancelled = true
    }
  }, [session, signIn])

  const signOut = useCallback(() => {
    saveKey(null)
    setSession({ state: 'signed-out' })
  }, [])

  return (
    <>
      {session.state === 'signed-out' && <SignIn onSignIn={signIn} initialError={session.error} />}
      {session.state === 'checking' && <p className="loading" role="status">Signing in…</p>}
      {session.state === 'in' && (
        <WorkspaceProvider signKey={session.key} me={session.me} onSignOut={signOut} announce={announce}>
          <Shell />
        </WorkspaceProvider>
      )}
      <LiveAnnouncer message={message} />
    </>
  )
}
