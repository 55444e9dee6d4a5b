import { useCallback, useState } from 'react'
import { describeError } from '../lib/dock.js'

/** State for "ask, then do": open the dialog, run the action on confirm, keep errors in the dialog. */
export function useConfirmedAction(action: () => Promise<unknown>, onDone?: () => void) {
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const ask = useCallback(() => {
    setError(null)
    setOpen(true)
  }, [])
  const cancel = useCallback(() => setOpen(false), [])
  const confirm = useCallback(async () => {
    setBusy(true)
    setError(null)
    try {
      await action()
      setOpen(false)
      onDone?.()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }, [action, onDone])
  return { open, busy, error, ask, cancel, confirm }
}
