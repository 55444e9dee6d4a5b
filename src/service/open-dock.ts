import { join } from 'node:path'

import { SqliteStorage } from '../storage/sqlite/sqlite-storage.js'
import type { Storage } from '../storage/storage.js'
import { DockService } from './dock-service.js'

export interface OpenDockOptions {
  /** Directory of the embedded SQLite store (default `./dock-data`). */
  readonly dataDir?: string
  /** `postgres://…` selects PostgreSQL; the data directory is then unused. */
  readonly databaseUrl?: string | undefined
  /** Becomes the operator's key on first start (DOCK_OPERATOR_TOKEN). */
  readonly operatorToken?: string | undefined
  readonly now?: () => number
  /** Workspaces one operator may create; default DOCK_MAX_WORKSPACES_PER_OPERATOR, else 100. */
  readonly maxWorkspacesPerOperator?: number
}

export interface OpenedDock {
  readonly service: DockService
  /** Set only when this start created the store and generated the key. */
  readonly operatorKey: string | null
  readonly created: boolean
  close(): Promise<void>
}

/** Opens the store (migrating it), wraps it in the service and bootstraps an empty store. */
export async function openDock(options: OpenDockOptions = {}): Promise<OpenedDock> {
  const storage = await openStorage(options)
  try {
    await storage.init()
  } catch (err) {
    await storage.close().catch(() => undefined)
    throw err
  }
  const service = new DockService({
    storage,
    ...(options.now ? { now: options.now } : {}),
    maxWorkspacesPerOperator: options.maxWorkspacesPerOperator ?? maxWorkspacesFromEnv(),
  })
  let boot: Awaited<ReturnType<DockService['identity']['bootstrap']>>
  try {
    boot = await service.identity.bootstrap(options.operatorToken)
  } catch (err) {
    // An open pool would keep the process alive after a failed start.
    await service.close().catch(() => undefined)
    throw err
  }
  const { created, operatorKey } = boot
  return { service, operatorKey, created, close: () => service.close() }
}

export async function openStorage(options: OpenDockOptions): Promise<Storage> {
  const url = options.databaseUrl
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DOCK_DATABASE_URL must start with postgres://')
    const { PostgresStorage } = await import('../storage/postgres/postgres-storage.js')
    return new PostgresStorage({ url })
  }
  return new SqliteStorage({ dataDir: options.dataDir ?? join(process.cwd(), 'dock-data') })
}

function maxWorkspacesFromEnv(): number | undefined {
  const raw = process.env['DOCK_MAX_WORKSPACES_PER_OPERATOR']
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error('DOCK_MAX_WORKSPACES_PER_OPERATOR must be a non-negative integer')
  return n
}
