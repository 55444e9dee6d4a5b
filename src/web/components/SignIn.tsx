import { useId, useState, type FormEvent } from 'react'

interface Props {
  readonly onSignIn: (key: string) => Promise<string | null>
  readonly initialError?: string | undefined
}

export function SignIn({ onSignIn, initialError }: Props) {
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(initialError ?? null)
  const [busy, setBusy] = useState(false)
  const inputId = useId()
  const errorId = useId()

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!key.trim()) {
      setError('Enter a principal key.')
      return
    }
    setBusy(true)
    setError(await onSignIn(key.trim()))
    setBusy(false)
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby={`${inputId}-title`} noValidate>
        <h1 id={`${inputId}-title`}>Dock</h1>
        <p className="muted">Sign in with a principal&rsquo;s key. It stays in this browser until you sign out.</p>
        <label htmlFor={inputId}>Principal key</label>
        <input
          id={inputId}
          type="password"
          autoComplete="current-password"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          autoFocus
        />
        {error && (
          <p id={errorId} className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
