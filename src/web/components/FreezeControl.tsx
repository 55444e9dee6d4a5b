import { useCallback } from 'react'
import { useConfirmedAction } from '../hooks/useConfirmedAction.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { ConfirmDialog } from './ConfirmDialog.js'

/** Operator switch that stops (or restarts) all writes to the workspace. */
export function FreezeControl() {
  const { api, workspace, setWorkspace, announce } = useWorkspace()
  const frozen = workspace.frozen
  const action = useCallback(async () => {
    const w = frozen ? await api.unfreeze() : await api.freeze()
    setWorkspace(w)
  }, [api, frozen, setWorkspace])
  const done = useCallback(() => announce(frozen ? 'Workspace unfrozen' : 'Workspace frozen'), [announce, frozen])
  const confirm = useConfirmedAction(action, done)
  return (
    <section className={`freeze-control${frozen ? ' is-frozen' : ''}`} aria-label="Workspace freeze">
      <p>
        Workspace <strong>{workspace.name}</strong> is{' '}
        {frozen ? <strong>frozen: reads work, all writes are refused</strong> : 'accepting writes'}.
      </p>
      <button type="button" className={frozen ? 'primary' : 'danger'} onClick={confirm.ask}>
        {frozen ? 'Unfreeze workspace' : 'Freeze workspace'}
      </button>
      <ConfirmDialog
        open={confirm.open}
        title={frozen ? 'Unfreeze the workspace?' : 'Freeze the workspace?'}
        confirmLabel={frozen ? 'Unfreeze' : 'Freeze'}
        danger={!frozen}
        busy={confirm.busy}
        error={confirm.error}
        onConfirm={() => void confirm.confirm()}
        onCancel={confirm.cancel}
      >
        {frozen ? (
          <p>Agents and people will be able to write again.</p>
        ) : (
          <p>
            Every write by every principal will be refused with <code>workspace_frozen</code> until you unfreeze. Reads
            keep working.
          </p>
        )}
      </ConfirmDialog>
    </section>
  )
}
