import { useWorkspace } from '../hooks/useWorkspace.js'
import { AgentCard } from '../components/AgentCard.js'
import { CreatePrincipalForm } from '../components/CreatePrincipalForm.js'
import { FreezeControl } from '../components/FreezeControl.js'

/** Agents and humans apart, with roles, skills, open claims and budget use; creation, the kill switch and workspace freeze. */
export function AgentsView() {
  const { principals, isOperator } = useWorkspace()
  const byName = [...principals].sort((a, b) => a.name.localeCompare(b.name))
  const agents = byName.filter((p) => p.kind === 'agent')
  const humans = byName.filter((p) => p.kind === 'human')
  return (
    <div className="agents-view">
      <div className="view-toolbar">
        <h1>Agents</h1>
        <span className="muted small">
          {principals.filter((p) => p.status === 'active').length} active · {principals.length} principals
        </span>
      </div>
      {isOperator && <FreezeControl />}
      {isOperator && <CreatePrincipalForm />}
      {principals.length === 0 && (
        <p className="loading" role="status">
          Loading principals…
        </p>
      )}
      <section aria-labelledby="agents-h">
        <h2 id="agents-h" className="group-title">
          Agents ({agents.length})
        </h2>
        <ul className="agent-grid">
          {agents.map((p) => (
            <li key={p.id}>
              <AgentCard principal={p} />
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="humans-h">
        <h2 id="humans-h" className="group-title">
          Humans ({humans.length})
        </h2>
        <ul className="agent-grid">
          {humans.map((p) => (
            <li key={p.id}>
              <AgentCard principal={p} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  )
}
