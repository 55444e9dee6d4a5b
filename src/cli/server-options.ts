import path from 'node:path'

import type { DockService } from '../service/dock-service.js'
import { CliError } from './cli-error.js'
import type { CliIo } from './io.js'

export const DEFAULT_PORT = 4747
export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_DATA_DIR = './dock-data'

/** Where the data lives: a SQLite directory, or PostgreSQL when DOCK_DATABASE_URL is set. */
export interface StoreOptions {
  readonly dataDir: string
  readonly databaseUrl?: string
  readonly operatorToken?: string
}

export function storeOptions(flags: { data?: string; databaseUrl?: string }, io: CliIo): StoreOptions {
  const dataDir = path.resolve(flags.data ?? nonEmpty(io.env['DOCK_DATA_DIR']) ?? DEFAULT_DATA_DIR)
  // An explicit --data names a SQLite directory even when DOCK_DATABASE_URL is set in the environment.
  const databaseUrl =
    flags.databaseUrl ?? (flags.data === undefined ? nonEmpty(io.env['DOCK_DATABASE_URL']) : undefined)
  const operatorToken = nonEmpty(io.env['DOCK_OPERATOR_TOKEN'])
  return {
    dataDir,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(operatorToken === undefined ? {} : { operatorToken }),
  }
}

export function listenOptions(flags: { port?: string; host?: string }, io: CliIo): { host: string; port: number } {
  const portText = flags.port ?? nonEmpty(io.env['DOCK_PORT']) ?? String(DEFAULT_PORT)
  const port = Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('usage', `not a port: ${portText}`)
  return { host: flags.host ?? nonEmpty(io.env['DOCK_HOST']) ?? DEFAULT_HOST, port }
}

/**
 * Opens an existing store for a local maintenance command, without creating or
 * bootstrapping one: a mistyped --data must not leave a fresh store behind.
 */
export async function openExistingStore(store: StoreOptions): Promise<DockService> {
  if (store.databaseUrl === undefined) {
    const { hasSqliteStore } = await import('../backup/sqlite-backup.js')
    if (!hasSqliteStore(store.dataDir))
      throw new CliError('not_found', `no Dock store in ${store.dataDir} (--data / DOCK_DATA_DIR)`)
  }
  const { openService } = await import('../http/serve.js')
  return openService(store)
}

/** The command line that resets the operator key of this store (quoted for a POSIX shell). */
export function resetKeyCommand(store: StoreOptions): string {
  if (store.databaseUrl !== undefined) return 'dock operator reset-key --database-url "$DOCK_DATABASE_URL"'
  const relative = path.relative(process.cwd(), store.dataDir)
  const shown =
    relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? store.dataDir : relative
  return `dock operator reset-key --data ${shellQuote(shown)}`
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

/** Names the store without leaking a password from the database URL. */
export function describeStore(store: StoreOptions): string {
  if (store.databaseUrl === undefined) return `sqlite in ${store.dataDir}`
  try {
    const url = new URL(store.databaseUrl)
    return `postgres at ${url.host}${url.pathname}`
  } catch {
    return 'postgres'
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
