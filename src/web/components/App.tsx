import { useCallback, useEffect, useState } from 'react'
import type { Me } from '../../client/api-types.js'
import { isDockApiError } from '../../client/dock-api-error.js'
import { createClient, describeError } from '../lib/dock.js'
import { loadKey, saveKey } from '../lib/storedKey.js'
import { LiveAnnouncer, useAnnouncer } from './LiveAnnouncer.js'
import { SignIn } from './SignIn.js'
import { WorkspaceProvider } from './WorkspaceProvider.js'
import { Shell } from './Shell.js'

type Session =
  { state: 'signed-out'; error?: string } | { state: 'checking'; key: string } | { state: 'in'; key: string; me: Me }

export function App() {
  const [session, setSession] = useState<Session>(() => {
    const key = loadKey()
    return key ? { state: 'checking', key } : { state: 'signed-out' }
  })
  const { message, announce } = useAnnouncer()

  const check = useCallback(async (key: string): Promise<{ error: string | null; refused: boolean }> => {
    try {
      const me: Me = await createClient(key).me()
      saveKey(key)
      setSession({ state: 'in', key, me })
      return { error: null, refused: false }
    } catch (err) {
      if (isDockApiError(err) && (err.status === 401 || err.status === 403)) {
        return {
          error: err.code === 'principal_suspended' ? 'This principal is suspended.' : 'That key was not accepted.',
          refused: true,
        }
      }
      return { error: `Could not reach Dock: ${describeError(err)}`, refused: false }
    }
  }, [])
  const signIn = useCallback(async (key: string) => (await check(key)).error, [check])

  useEffect(() => {
    if (session.state !== 'checking') return
    let cancelled = false
    void check(session.key).then(({ error, refused }) => {
      if (cancelled || error === null) return
      // Forget a refused key; keep it when the server was only unreachable.
      if (refused) saveKey(null)
      setSession({ state: 'signed-out', error })
    })
    return () => {
      cancelled = true
    }
  }, [session, check])

  const signOut = useCallback(() => {
    saveKey(null)
    setSession({ state: 'signed-out' })
  }, [])

  return (
    <>
      {session.state === 'signed-out' && <SignIn onSignIn={signIn} initialError={session.error} />}
      {session.state === 'checking' && (
        <p className="loading" role="status">
          Signing in…
        </p>
      )}
      {session.state === 'in' && (
        <WorkspaceProvider signKey={session.key} me={session.me} onSignOut={signOut} announce={announce}>
          <Shell />
        </WorkspaceProvider>
      )}
      <LiveAnnouncer message={message} />
    </>
  )
}
