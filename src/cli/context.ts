import type { Command } from 'commander'

import { DockClient } from '../client/index.js'
import { CliError } from './cli-error.js'
import { formatJson } from './format.js'
import type { CliIo } from './io.js'

export const DEFAULT_URL = 'http://127.0.0.1:4747'
export const DEFAULT_WORKSPACE = 'default'

/** The program-wide flags every command sees (flag, else environment, else default). */
export interface GlobalOptions {
  readonly url: string
  readonly token: string | undefined
  /** Named by --workspace or DOCK_WORKSPACE; undefined: the key's own workspace (see `connect`). */
  readonly workspace: string | undefined
  readonly json: boolean
}

export function globalOptions(command: Command, io: CliIo): GlobalOptions {
  const opts = command.optsWithGlobals<{ url?: string; token?: string; workspace?: string; json?: boolean }>()
  return {
    url: normalizeUrl(opts.url ?? nonEmpty(io.env['DOCK_URL']) ?? DEFAULT_URL),
    token: opts.token ?? nonEmpty(io.env['DOCK_TOKEN']),
    workspace: opts.workspace ?? nonEmpty(io.env['DOCK_WORKSPACE']),
    json: opts.json === true,
  }
}

/**
 * `127.0.0.1:4747` and `localhost:4747/` mean http://…: people type the
 * address the server printed without its scheme, and fetch would refuse it.
 */
export function normalizeUrl(text: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new CliError('usage', `not a server URL: ${text} (try http://127.0.0.1:4747)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('usage', `not an http(s) URL: ${text}`)
  return withScheme.replace(/\/+$/, '')
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/**
 * A client for the resolved URL and key, refusing to start without a key.
 * Without --workspace / DOCK_WORKSPACE it asks the server which workspace the
 * key belongs to (`GET /v1/me`), so a key printed by `workspace create` works
 * on its own, as it does over MCP.
 */
export async function connect(options: GlobalOptions): Promise<DockClient> {
  if (options.token === undefined) {
    throw new CliError(
      'missing_token',
      'no key: pass --token or set DOCK_TOKEN (the operator key is printed by `dock init` / first `dock serve`)',
    )
  }
  const client = new DockClient({
    baseUrl: options.url,
    token: options.token,
    workspace: options.workspace ?? DEFAULT_WORKSPACE,
  })
  if (options.workspace !== undefined) return client
  const me = await client.me()
  return client.withWorkspace(me.workspace.name)
}

/** Prints `value` as JSON under --json, else its human rendering (which may look up names first). */
export async function emit<T>(
  io: CliIo,
  options: GlobalOptions,
  value: T,
  human: (value: T) => string | Promise<string>,
): Promise<void> {
  io.stdout(options.json ? formatJson(value) : await human(value))
}
