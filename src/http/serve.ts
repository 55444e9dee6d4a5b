import type { FastifyInstance } from 'fastify'

import { allowedHostnames } from '../mcp/host-check.js'
import { openDock, type OpenDockOptions } from '../service/open-dock.js'
import type { DockService } from '../service/dock-service.js'
import { createDockApp } from './app.js'

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

/** Opens the store, bootstraps it, and serves the API and the web UI on one port. */
export async function startDockServer(options: StartDockServerOptions = {}): Promise<DockServer> {
  const dock = await openDock(options)
  const host = options.host ?? '127.0.0.1'
  const app = await createDockApp({
    service: dock.service,
    mcpAllowedHosts: allowedHostnames(host, options.allowedHosts),
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  })
  await app.listen({ host, port: options.port ?? 4747 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 4747)
  let sweeping = false
  const sweeper = setInterval(() => {
    if (sweeping) return
    sweeping = true
    dock.service.rows
      .sweepAllLeases()
      .then((r) => {
        // Each failed lease is logged; the others of the pass were ended regardless.
        for (const f of r.failures) app.log.error({ err: f.error, workspaceId: f.workspaceId, rowId: f.rowId, table: f.table }, 'lease sweep: could not end a lease')
        if (r.failures.length > 0) app.log.warn({ expired: r.expired, failed: r.failures.length, failedTotal: dock.service.rows.sweepFailureCount }, 'lease sweep pass had failures')
      })
      .catch((err: unknown) => app.log.error({ err }, 'lease sweep failed'))
      .finally(() => (sweeping = false))
  }, options.sweepIntervalMs ?? 1000)
  sweeper.unref()
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}`,
    port,
    app,
    service: dock.service,
    operatorKey: dock.operatorKey,
    async close() {
      clearInterval(sweeper)
      await app.close()
      await dock.close()
    },
  }
}
