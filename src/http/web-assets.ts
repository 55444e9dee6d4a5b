import { existsSync, readFileSync } from 'node:fs'
import { extname, join, normalize, sep } from 'node:path'

import type { FastifyInstance } from 'fastify'

import { DockError } from '../domain/errors.js'
import { sendProblem, toProblem } from './problem.js'

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
 * The UI keeps its key in localStorage, so anything that runs script in its
 * origin could read it. Everything it loads comes from its own origin: the
 * Vite build has no inline script or style element (React sets styles through
 * the DOM, which CSP allows), the favicon is a data: URL, and the feed and API
 * are same-origin fetches. Docs render markdown to HTML: their images come
 * from this origin or data: only, so a doc cannot make the browser call out.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const UI_HEADERS: Record<string, string> = {
  'content-security-policy': UI_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // For browsers without CSP frame-ancestors: no framing, so no clickjacking of the console's buttons.
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
}

/** Paths that belong to the API or to well-known discovery, never to the UI's client-side routes. */
function isApiPath(path: string): boolean {
  return path === 'v1' || path.startsWith('v1/') || path === '.well-known' || path.startsWith('.well-known/')
}

/**
 * Serves the built web UI (dist/web) at `/`, with index.html for any other
 * non-API path so client-side routes survive a reload. Unknown paths under
 * /v1 and /.well-known get a JSON 404 instead: an API client (or an MCP client
 * looking for OAuth metadata) must not be handed the UI's HTML with a 200.
 */
export function registerWebAssets(app: FastifyInstance, root: string): boolean {
  const index = join(root, 'index.html')
  if (!existsSync(index)) return false
  app.get('/*', async (request, reply) => {
    // The router has already decoded the path once; decoding again would turn `%25E0` into a malformed escape (a 500).
    const path = (request.params as { '*'?: string })['*'] ?? ''
    if (isApiPath(path)) return sendProblem(reply, toProblem(new DockError('not_found', 'no such route')).problem)
    const file = normalize(join(root, path))
    if (!file.startsWith(root + sep) && file !== root)
      return sendProblem(reply, toProblem(new DockError('not_found', 'no such file')).problem)
    const target = path !== '' && extname(file) !== '' && existsSync(file) ? file : index
    const type = TYPES[extname(target)] ?? 'application/octet-stream'
    // Hashed asset names never change content; index.html must always be fresh.
    void reply.headers({
      ...UI_HEADERS,
      'cache-control': target === index ? 'no-cache' : 'public, max-age=31536000, immutable',
    })
    return reply.type(type).send(readFileSync(target))
  })
  return true
}
