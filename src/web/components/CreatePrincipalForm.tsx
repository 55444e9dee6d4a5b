import { useId, useState, type FormEvent } from 'react'
import type { CreatedPrincipal } from '../../client/api-types.js'
import type { Role } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { describeError } from '../lib/dock.js'

const ROLE_LIST: readonly Role[] = ['member', 'reviewer', 'operator']

/** Operator: a new agent or human. Its key is shown here once, never again (the server keeps only a hash). */
export function CreatePrincipalForm() {
  const { api, workspace, refreshPrincipals, announce } = useWorkspace()
  const id = useId()
  const [name, setName] = useState('')
  const [kind, setKind] = useState<'agent' | 'human'>('agent')
  const [roles, setRoles] = useState<Role[]>(['member'])
  const [skills, setSkills] = useState('')
  const [created, setCreated] = useState<CreatedPrincipal | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [copied, setCopied] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const c = await api.createPrincipal({
        name: name.trim(),
        kind,
        roles,
        skills: skills
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      })
      setCreated(c)
      setName('')
      setSkills('')
      announce(`${c.principal.name} created; copy its key now`)
      void refreshPrincipals()
    } catch (err) {
      setError(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text)
      setCopied(what)
    } catch {
      setCopied(`${what} (select and copy by hand: the clipboard was refused)`)
    }
  }

  const snippet = created
    ? JSON.stringify(
        {
          mcpServers: {
            [created.principal.name]: {
              command: 'dock',
              args: ['mcp'],
              env: { DOCK_URL: window.location.origin, DOCK_WORKSPACE: workspace.name, DOCK_TOKEN: created.key },
            },
          },
        },
        null,
        2,
      )
    : ''

  return (
    <section className="panel create-principal" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Add an agent or human</h2>
      <form onSubmit={submit} className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            type="text"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            pattern="[A-Za-z0-9_][A-Za-z0-9_.\-]*"
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as 'agent' | 'human')}>
            <option value="agent">agent</option>
            <option value="human">human</option>
          </select>
        </div>
        <fieldset className="field">
          <legend>Roles</legend>
          {ROLE_LIST.map((r) => (
            <label key={r} className="check">
              <input
                type="checkbox"
                checked={roles.includes(r)}
                onChange={(e) => setRoles((rs) => (e.target.checked ? [...rs, r] : rs.filter((x) => x !== r)))}
              />{' '}
              {r}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-skills`}>Skills (comma-separated)</label>
          <input id={`${id}-skills`} type="text" value={skills} onChange={(e) => setSkills(e.target.value)} />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            Create principal
          </button>
        </div>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {created && (
        <div className="key-once" role="status" data-testid="new-key">
          <p>
            <strong>{created.principal.name}</strong>&rsquo;s key, shown this once:
          </p>
          <p>
            <code className="mono key" data-testid="key-value">
              {created.key}
            </code>{' '}
            <button type="button" onClick={() => void copy(created.key, 'key')}>
              Copy key
            </button>
          </p>
          <p className="small">dock mcp config for this {created.principal.kind}:</p>
          <pre className="mono small snippet">{snippet}</pre>
          <button type="button" onClick={() => void copy(snippet, 'MCP config')}>
            Copy MCP config
          </button>
          {copied && <span className="small"> Copied: {copied}</span>}
          <button type="button" className="link-button" onClick={() => setCreated(null)}>
            I have stored it
          </button>
        </div>
      )}
    </section>
  )
}
