import { useWorkspace } from '../hooks/useWorkspace.js'
import { FeedStatusBadge } from './FeedStatusBadge.js'

export function AppHeader() {
  const { workspace, me, feedStatus, signOut } = useWorkspace()
  return (
    <header className="app-header">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ⚓
        </span>
        <span className="brand-name">Dock</span>
        <span className="ws-name" title={`Workspace ${workspace.id}`}>
          {workspace.name}
        </span>
      </div>
      <div className="header-status">
        <span className="revision" title="Workspace revision">
          rev <span data-testid="ws-revision">{workspace.revision}</span>
        </span>
        {workspace.frozen && (
          <span className="badge badge-frozen" data-testid="frozen-badge">
            Frozen
          </span>
        )}
        <FeedStatusBadge status={feedStatus} />
      </div>
      <div className="header-user">
        <span className="whoami" title={me.id}>
          {me.name} <span className="muted">({me.roles.join(', ') || me.kind})</span>
        </span>
        <button type="button" className="link-button" onClick={signOut}>
          Sign out
        </button>
      </div>
    </header>
  )
}
