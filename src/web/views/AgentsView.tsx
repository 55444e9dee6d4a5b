import { useWorkspace } from '../hooks/useWorkspace.js'
import { AgentCard } from '../components/AgentCard.js'
import { FreezeControl } from '../components/FreezeControl.js'

/** Principals with roles, skills, open claims and budget use; the kill switch and workspace freeze. */
export function AgentsView() {
  const { principals, isOperator } = useWorkspace()
  const sorted = [...principals].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'agent' ? -1 : 1))
  return (
    <div className="agents-view">
      <div className="view-toolbar">
        <h1>Agents</h1>
        <span className="muted small">{principals.filter((p) => p.status === 'active').length} active · {principals.length} principals</span>
      </div>
      {isOperator && <FreezeControl />}
      {principals.length === 0 && <p className="loading" role="status">Loading principals…</p>}
      <ul className="agent-grid">
        {sorted.map((p) => (
          <li key={p.id}><AgentCard principal={p} /></li>
        ))}
      </ul>
    </div>
  )
}
