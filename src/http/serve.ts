/**
 * Start-up: the one module that turns options into a running Dock. It binds
 * the port, picks and opens the storage adapter, bootstraps an empty store,
 * starts the lease sweeper and serves the HTTP app. The service never picks an
 * adapter; this edge does, and hands the service an opened store.
 *
 * The order matters: the port is bound before the store is opened, so a start
 * on a taken port fails before a first start creates the store (and its
 * operator key, printed once) — otherwise the key of that store was never seen.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { join } from 'node:path'

import type { FastifyInstance } from 'fastify'

import { sqliteFile, vacuumInto } from '../backup/sqlite-backup.js'
import { allowedHostnames } from '../mcp/host-check.js'
import { DockService } from '../service/dock-service.js'
import type { Storage } from '../storage/storage.js'
import { createDockApp, httpServerTimeouts } from './app.js'

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

export interface StartDockServerOptions extends OpenDockOptions {
  readonly host?: string
  /** 0 picks a free port. */
  readonly port?: number
  readonly bodyLimit?: number
  readonly webRoot?: string | null
  /** How often expired leases are swept back (ms, default 1000). */
  readonly sweepIntervalMs?: number
  readonly logger?: boolean
  /** More hostnames `/mcp` answers to besides loopback and `host` (`*`: any; for a proxy that checks Host itself). */
  readonly allowedHosts?: readonly string[]
  /** See DockAppOptions. */
  readonly headersTimeoutMs?: number
  readonly requestTimeoutMs?: number
  readonly maxStreamsPerPrincipal?: number
}

export interface DockServer {
  readonly url: string
  readonly port: number
  readonly app: FastifyInstance
  readonly service: DockService
  /** Set only on the first start of an empty store when no operator token was given. */
  readonly operatorKey: string | null
  close(): Promise<void>
}

/** Binds the port, opens and bootstraps the store, then serves the API and the web UI on that port. */
export async function startDockServer(options: StartDockServerOptions = {}): Promise<DockServer> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer(httpServerTimeouts(options), answerStarting)
  await listen(server, host, options.port ?? 4747)
  let dock: OpenedDock
  try {
    dock = await openDock(options)
  } catch (err) {
    await closeServer(server)
    throw err
  }
  let app: FastifyInstance
  try {
    app = await createDockApp({
      service: dock.service,
      server,
      mcpAllowedHosts: allowedHostnames(host, options.allowedHosts),
      ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
      ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.maxStreamsPerPrincipal !== undefined
        ? { maxStreamsPerPrincipal: options.maxStreamsPerPrincipal }
        : {}),
    })
    await app.ready()
  } catch (err) {
    await closeServer(server)
    await dock.close()
    throw err
  }
  const stopSweeper = startLeaseSweeper(dock.service, options.sweepIntervalMs ?? 1000, app)
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 4747)
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}`,
    port,
    app,
    service: dock.service,
    operatorKey: dock.operatorKey,
    async close() {
      stopSweeper()
      const closed = closeServer(server)
      // preClose ends the watch streams; then nothing may hold the port (a pending long-poll would, for a minute).
      await app.close()
      server.closeAllConnections()
      await closed
      await dock.close()
    },
  }
}

/** Returns expired leases to their claimable status every `intervalMs`; one sweep at a time. */
function startLeaseSweeper(service: DockService, intervalMs: number, app: FastifyInstance): () => void {
  let sweeping = false
  const sweeper = setInterval(() => {
    if (sweeping) return
    sweeping = true
    service.rows
      .sweepAllLeases()
      .then((r) => {
        // Each failed lease is logged; the others of the pass were ended regardless.
        for (const f of r.failures)
          app.log.error(
            { err: f.error, workspaceId: f.workspaceId, rowId: f.rowId, table: f.table },
            'lease sweep: could not end a lease',
          )
        if (r.failures.length > 0)
          app.log.warn(
            { expired: r.expired, failed: r.failures.length, failedTotal: service.rows.sweepFailureCount },
            'lease sweep pass had failures',
          )
      })
      .catch((err: unknown) => app.log.error({ err }, 'lease sweep failed'))
      .finally(() => (sweeping = false))
  }, intervalMs)
  sweeper.unref()
  return () => clearInterval(sweeper)
}

/** Opens the store (migrating it), wraps it in the service and bootstraps an empty store. */
export async function openDock(options: OpenDockOptions = {}): Promise<OpenedDock> {
  const service = await openService(options)
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

/** Opens the store and the service over it, without bootstrapping (local maintenance commands). */
export async function openService(options: OpenDockOptions = {}): Promise<DockService> {
  const storage = await openStorage(options)
  try {
    await storage.init()
  } catch (err) {
    await storage.close().catch(() => undefined)
    throw err
  }
  const dbFile = storage.kind === 'sqlite' ? sqliteFile(dataDirOf(options)) : null
  return new DockService({
    storage,
    ...(options.now ? { now: options.now } : {}),
    maxWorkspacesPerOperator: options.maxWorkspacesPerOperator ?? maxWorkspacesFromEnv(),
    // The snapshot reads the store through a connection of its own (see src/backup).
    ...(dbFile === null ? {} : { snapshot: (file: string) => vacuumInto(dbFile, file) }),
  })
}

function maxWorkspacesFromEnv(): number | undefined {
  const raw = process.env['DOCK_MAX_WORKSPACES_PER_OPERATOR']
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error('DOCK_MAX_WORKSPACES_PER_OPERATOR must be a non-negative integer')
  return n
}

/** The adapter for the options: PostgreSQL for a `postgres://` URL, else SQLite in the data directory. */
export async function openStorage(options: OpenDockOptions): Promise<Storage> {
  const url = options.databaseUrl
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DOCK_DATABASE_URL must start with postgres://')
    const { PostgresStorage } = await import('../storage/postgres/postgres-storage.js')
    return new PostgresStorage({ url })
  }
  const { SqliteStorage } = await import('../storage/sqlite/sqlite-storage.js')
  return new SqliteStorage({ dataDir: dataDirOf(options) })
}

function dataDirOf(options: OpenDockOptions): string {
  return options.dataDir ?? join(process.cwd(), 'dock-data')
}

/** Until the app takes over, requests get a 503 problem rather than hanging on a port with no handler. */
function answerStarting(_request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify({
    type: 'https://dock.dev/errors/unavailable',
    title: 'Unavailable',
    status: 503,
    code: 'unavailable',
    detail: 'the server is starting; retry',
  })
  response.writeHead(503, {
    'content-type': 'application/problem+json',
    'retry-after': '1',
    'content-length': Buffer.byteLength(body),
  })
  response.end(body)
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err)
    server.once('error', onError)
    server.listen({ host, port }, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    server.closeIdleConnections()
  })
}
