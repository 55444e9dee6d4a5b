/**
 * DNS-rebinding protection for `/mcp`: a web page on evil.example.com whose
 * name is made to resolve to 127.0.0.1 reaches a local server with
 * `Host: evil.example.com` (and `Origin: http://evil.example.com`). Refusing
 * hosts and origins outside an allow-list stops it.
 * https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#security-warning
 *
 * The SDK's transport options for this (`allowedHosts`, `enableDnsRebindingProtection`)
 * are deprecated in favour of middleware and compare the Host header
 * including its port; its Express middleware (`hostHeaderValidation`)
 * compares hostnames only. This is that check for Fastify's raw requests,
 * extended to Origin.
 */

/** Loopback names every local client may use. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]']

/** Listen addresses that name no host: the allow-list cannot be derived from them. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', ''])

/**
 * The hostnames `/mcp` answers to: loopback, the host the server was told to
 * listen on (unless a wildcard), and any configured extra names. `*` among
 * the extras turns the check off (behind a proxy that checks Host itself).
 */
export function allowedHostnames(
  listenHost: string | undefined,
  extra: readonly string[] = [],
): readonly string[] | '*' {
  if (extra.includes('*')) return '*'
  const names = new Set(LOOPBACK_HOSTS)
  for (const h of [listenHost ?? '', ...extra]) {
    const name = normalizeHostname(h)
    if (name !== null && !WILDCARDS.has(name)) names.add(name)
  }
  return [...names]
}

/** Why a request is refused, or null when its Host and Origin are allowed. */
export function checkHostAndOrigin(
  headers: { readonly host?: string | undefined; readonly origin?: string | undefined },
  allowed: readonly string[] | '*',
): string | null {
  if (allowed === '*') return null
  const host = headers.host
  if (host === undefined || host === '') return 'missing Host header'
  const hostname = hostnameOf(`http://${host}`)
  if (hostname === null || !allowed.includes(hostname)) return `Host ${host} is not allowed`
  // Browsers send Origin on cross-origin requests; non-browser clients usually send none.
  const origin = headers.origin
  if (origin !== undefined && origin !== '') {
    const originHost = origin === 'null' ? null : hostnameOf(origin)
    if (originHost === null || !allowed.includes(originHost)) return `Origin ${origin} is not allowed`
  }
  return null
}

function hostnameOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase()
  } catch {
    return null
  }
}

/** `example.com`, `example.com:80`, `::1`, `[::1]:4747` → the hostname as URL parses it. */
function normalizeHostname(host: string): string | null {
  const h = host.trim().toLowerCase()
  if (h === '' || WILDCARDS.has(h)) return h
  // A bare IPv6 address needs brackets to parse as a URL host.
  const bracketed = h.includes(':') && !h.startsWith('[') && h.split(':').length > 2 ? `[${h}]` : h
  return hostnameOf(`http://${bracketed}`)
}
