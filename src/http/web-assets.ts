import { existsSync, readFileSync } from 'node:fs'
import { extname, join, normalize, sep } from 'node:path'

import type { FastifyInstance } from 'fastify'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
}

/**
 * Serves the built web UI (dist/web) at `/`, with index.html for any other
 * non-API path so client-side routes survive a reload.
 */
export function registerWebAssets(app: FastifyInstance, root: string): boolean {
  const index = join(root, 'index.html')
  if (!existsSync(index)) return false
  app.get('/*', async (request, reply) => {
    const path = decodeURIComponent((request.params as { '*': string })['*'] ?? '')
    const file = normalize(join(root, path))
    if (!file.startsWith(root + sep) && file !== root) return reply.status(404).send()
    const target = path !== '' && existsSync(file) && extname(file) !== '' ? file : index
    const type = TYPES[extname(target)] ?? 'application/octet-stream'
    // Hashed asset names never change content; index.html must always be fresh.
    void reply.header('cache-control', target === index ? 'no-cache' : 'public, max-age=31536000, immutable')
    return reply.type(type).send(readFileSync(target))
  })
  return true
}
