/**
 * The exact snippets that plug a Dock agent into an MCP client, for
 * `dock mcp config <client>`, docs/mcp.md and the DOCK_MCP_CONFIG file the
 * command worker writes for each task. It lives with the Node SDK because the
 * worker (SDK) and the CLI both need it, and the SDK may not import the MCP edge.
 *
 * stdio runs `dock mcp` as `<node> <abs>/bin/dock.js mcp`: `process.execPath`
 * and an absolute path, so the client can start it whether or not `dock` is
 * on its PATH (a bare "command": "dock" fails with spawn ENOENT when nothing
 * installed it globally). HTTP points at the server's `/mcp` with the key as
 * a bearer token.
 */
import { fileURLToPath } from 'node:url'

/** This package's bin/dock.js, absolute: src/client/node and dist/client/node are both three levels down. */
export const DOCK_JS = fileURLToPath(new URL('../../../bin/dock.js', import.meta.url))

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

/** How an MCP client starts `dock mcp` (or a stand-in for it) over stdio. */
export interface McpStdioCommand {
  readonly command: string
  readonly args: readonly string[]
}

/** The one `mcpServers` entry of a JSON config (Claude's --mcp-config, Cursor, the worker's DOCK_MCP_CONFIG). */
export type McpServerEntry =
  | { type: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { type: 'http'; url: string; headers: Record<string, string> }

export interface McpConnection {
  readonly url: string
  readonly token: string
  readonly workspace?: string | undefined
}

/** The environment `dock mcp` reads its server, key and workspace from. */
function dockEnv(o: McpConnection): Record<string, string> {
  return {
    DOCK_URL: o.url,
    DOCK_TOKEN: o.token,
    ...(o.workspace !== undefined ? { DOCK_WORKSPACE: o.workspace } : {}),
  }
}

function mcpEndpoint(url: string): string {
  return `${url.replace(/\/+$/, '').replace(/\/v1$/, '')}/mcp`
}

export function mcpStdioEntry(o: McpConnection & McpStdioCommand): McpServerEntry {
  return { type: 'stdio', command: o.command, args: [...o.args], env: dockEnv(o) }
}

export function mcpHttpEntry(o: McpConnection): McpServerEntry {
  return { type: 'http', url: mcpEndpoint(o.url), headers: { Authorization: `Bearer ${o.token}` } }
}

/** An MCP JSON config file with one server. */
export function mcpJsonConfig(entry: McpServerEntry, name = 'dock'): string {
  return `${JSON.stringify({ mcpServers: { [name]: entry } }, null, 2)}\n`
}

export function mcpClientConfig(o: McpClientConfigOptions): string {
  const name = o.name ?? 'dock'
  const endpoint = mcpEndpoint(o.url)
  const env = dockEnv(o)
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
    case 'json':
      return mcpJsonConfig(
        o.transport === 'http' ? mcpHttpEntry(o) : mcpStdioEntry({ ...o, command: o.node, args }),
        name,
      )
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
