/**
 * The exact snippets that plug a Dock agent into an MCP client, for
 * `dock mcp config <client>` and docs/mcp.md.
 *
 * stdio runs `dock mcp` as `<node> <abs>/bin/dock.js mcp`: `process.execPath`
 * and an absolute path, so the client can start it whether or not `dock` is
 * on its PATH (a bare "command": "dock" fails with spawn ENOENT when nothing
 * installed it globally). HTTP points at the server's `/mcp` with the key as
 * a bearer token.
 */

export const MCP_CLIENTS = ['claude', 'codex', 'json'] as const
export type McpClientKind = (typeof MCP_CLIENTS)[number]

export interface McpClientConfigOptions {
  readonly client: McpClientKind
  readonly transport: 'stdio' | 'http'
  /** Dock server root, e.g. http://127.0.0.1:4747. */
  readonly url: string
  /** The agent's key. */
  readonly token: string
  /** Workspace for stdio (the key's own when absent); over HTTP the key's own always. */
  readonly workspace?: string | undefined
  /** Absolute path of the node binary (process.execPath). */
  readonly node: string
  /** Absolute path of this package's bin/dock.js. */
  readonly dockJs: string
  /** Server name in the client (default `dock`). */
  readonly name?: string
}

export function mcpClientConfig(o: McpClientConfigOptions): string {
  const name = o.name ?? 'dock'
  const endpoint = `${o.url.replace(/\/+$/, '').replace(/\/v1$/, '')}/mcp`
  const env: Record<string, string> = {
    DOCK_URL: o.url,
    DOCK_TOKEN: o.token,
    ...(o.workspace !== undefined ? { DOCK_WORKSPACE: o.workspace } : {}),
  }
  const args = [o.dockJs, 'mcp']
  switch (o.client) {
    case 'claude':
      if (o.transport === 'http') {
        return `claude mcp add --transport http ${sh(name)} ${sh(endpoint)} --header ${sh(`Authorization: Bearer ${o.token}`)}\n`
      }
      return `claude mcp add ${sh(name)} ${Object.entries(env)
        .map(([k, v]) => `--env ${sh(`${k}=${v}`)}`)
        .join(' ')} -- ${[o.node, ...args].map(sh).join(' ')}\n`
    case 'codex':
      if (o.transport === 'http') {
        // Codex takes the bearer token from an environment variable, never inline in config.toml.
        return (
          `# ~/.codex/config.toml — and in the environment Codex starts from:\n` +
          `#   export DOCK_TOKEN=${sh(o.token)}\n` +
          `[mcp_servers.${tomlKey(name)}]\n` +
          `url = ${toml(endpoint)}\n` +
          `bearer_token_env_var = "DOCK_TOKEN"\n`
        )
      }
      return (
        `# ~/.codex/config.toml\n` +
        `[mcp_servers.${tomlKey(name)}]\n` +
        `command = ${toml(o.node)}\n` +
        `args = [${args.map(toml).join(', ')}]\n` +
        `env = { ${Object.entries(env)
          .map(([k, v]) => `${k} = ${toml(v)}`)
          .join(', ')} }\n`
      )
    case 'json': {
      const server =
        o.transport === 'http'
          ? { type: 'http', url: endpoint, headers: { Authorization: `Bearer ${o.token}` } }
          : { type: 'stdio', command: o.node, args, env }
      return `${JSON.stringify({ mcpServers: { [name]: server } }, null, 2)}\n`
    }
  }
}

/** Quotes for a POSIX shell when needed. */
function sh(value: string): string {
  return /^[A-Za-z0-9_/.:=@%+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

/** A TOML basic string: JSON's escapes are valid TOML ones. */
function toml(value: string): string {
  return JSON.stringify(value)
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : toml(key)
}
