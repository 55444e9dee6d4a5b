import { useCallback, useId } from 'react'
import type { PrincipalView } from '../../client/api-types.js'
import { useConfirmedAction } from '../hooks/useConfirmedAction.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { ConfirmDialog } from './ConfirmDialog.js'
import { BudgetMeter } from './BudgetMeter.js'
import { OpenClaimList } from './OpenClaimList.js'

export function AgentCard({ principal: p }: { readonly principal: PrincipalView }) {
  const { api, me, isOperator, refreshPrincipals, announce } = useWorkspace()
  const titleId = useId()
  const suspended = p.status === 'suspended'
  const action = useCallback(() => (suspended ? api.resume(p.id) : api.suspend(p.id)), [api, p.id, suspended])
  const done = useCallback(() => {
    announce(`${p.name} ${suspended ? 'resumed' : 'suspended'}`)
    void refreshPrincipals()
  }, [announce, p.name, suspended, refreshPrincipals])
  const confirm = useConfirmedAction(action, done)
  const self = p.id === me.id

  return (
    <article
      className={`agent-card${suspended ? ' agent-suspended' : ''}`}
      aria-labelledby={titleId}
      data-principal={p.name}
    >
      <header>
        <h3 id={titleId}>{p.name}</h3>
        <span className={`badge status-${p.status}`} data-testid="principal-status">
          {p.status}
        </span>
      </header>
      <dl className="agent-facts">
        <div>
          <dt>Kind</dt>
          <dd>{p.kind}</dd>
        </div>
        <div>
          <dt>Roles</dt>
          <dd>{p.roles.length ? p.roles.join(', ') : '—'}</dd>
        </div>
        <div>
          <dt>Skills</dt>
          <dd>{p.skills.length ? p.skills.join(', ') : '—'}</dd>
        </div>
        <div>
          <dt>Budget</dt>
          <dd>
            <BudgetMeter used={p.budgetUsed} limit={p.budget.writesPerMinute} />
          </dd>
        </div>
      </dl>
      <OpenClaimList claims={p.openClaims} />
      {isOperator && (
        <div className="agent-actions">
          <button
            type="button"
            className={suspended ? 'primary' : 'danger'}
            onClick={confirm.ask}
            disabled={self}
            title={self ? 'You cannot suspend your own principal from here' : undefined}
          >
            {suspended ? 'Resume' : 'Suspend'}
            <span className="visually-hidden"> {p.name}</span>
          </button>
        </div>
      )}
      <ConfirmDialog
        open={confirm.open}
        title={suspended ? `Resume ${p.name}?` : `Suspend ${p.name}?`}
        confirmLabel={suspended ? 'Resume' : 'Suspend'}
        danger={!suspended}
        busy={confirm.busy}
        error={confirm.error}
        onConfirm={() => void confirm.confirm()}
        onCancel={confirm.cancel}
      >
        {suspended ? (
          <p>{p.name} will be able to make requests again.</p>
        ) : (
          <p>
            {p.name}&rsquo;s next request will be refused, its open streams closed and its {p.openClaims.length} open
            claim{p.openClaims.length === 1 ? '' : 's'} released.
          </p>
        )}
      </ConfirmDialog>
    </article>
  )
}
