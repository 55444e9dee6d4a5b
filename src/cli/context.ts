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
  readonly workspace: string
  readonly json: boolean
}

export function globalOptions(command: Command, io: CliIo): GlobalOptions {
  const opts = command.optsWithGlobals<{ url?: string; token?: string; workspace?: string; json?: boolean }>()
  return {
    url: opts.url ?? nonEmpty(io.env['DOCK_URL']) ?? DEFAULT_URL,
    token: opts.token ?? nonEmpty(io.env['DOCK_TOKEN']),
    workspace: opts.workspace ?? nonEmpty(io.env['DOCK_WORKSPACE']) ?? DEFAULT_WORKSPACE,
    json: opts.json === true,
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** A client for the resolved URL, key and workspace; refuses to start without a key. */
export function connect(options: GlobalOptions): DockClient {
  if (options.token === undefined) {
    throw new CliError('missing_token', 'no key: pass --token or set DOCK_TOKEN (the operator key is printed by `dock init` / first `dock serve`)')
  }
  return new DockClient({ baseUrl: options.url, token: options.token, workspace: options.workspace })
}

/** Prints `value` as JSON under --json, else its human rendering (which may look up names first). */
export async function emit<T>(io: CliIo, options: GlobalOptions, value: T, human: (value: T) => string | Promise<string>): Promise<void> {
  io.stdout(options.json ? formatJson(value) : await human(value))
}
