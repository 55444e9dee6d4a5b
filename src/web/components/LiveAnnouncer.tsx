import { useCallback, useState } from 'react'

/** One polite live region for the whole app: live updates are read out without stealing focus. */
export function LiveAnnouncer({ message }: { readonly message: string }) {
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="live-announcer">
      {message}
    </div>
  )
}

export function useAnnouncer() {
  const [message, setMessage] = useState('')
  const announce = useCallback((m: string) => setMessage(m), [])
  return { message, announce }
}
