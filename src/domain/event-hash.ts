import { createHash } from 'node:crypto'

import type { DockEvent } from './types.js'

/** JSON with object keys sorted at every depth, so a hash never depends on key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    // A null prototype, so an own `__proto__` key (JSON.parse makes them) is copied as
    // data and hashed, instead of `out.__proto__ = v` setting the prototype and leaving
    // whatever sits under that key outside the audit hash.
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}

/**
 * The path of the first `__proto__` key in a JSON value, or null. Dock refuses
 * such keys at every entry (invalid_input): plain-object code paths (spreads,
 * `obj[key] = v`, validators) treat them as the prototype, not as data, so a
 * write carrying one would be silently changed or dropped.
 */
export function findProtoKey(value: unknown, path = '$', depth = 0): string | null {
  if (value === null || typeof value !== 'object' || depth > 256) return null
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = findProtoKey(v, `${path}[${i}]`, depth + 1)
      if (found !== null) return found
    }
    return null
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return `${path}.__proto__`
    const found = findProtoKey((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1)
    if (found !== null) return found
  }
  return null
}

/** The hash of an event covers every field but the hash itself, prevHash included: that is the chain. */
export function hashEvent(event: Omit<DockEvent, 'hash'>): string {
  const { workspaceId, revision, ts, actor, type, target, before, after, requestId, signature, prevHash } = event
  return createHash('sha256')
    .update(
      canonicalJson({ workspaceId, revision, ts, actor, type, target, before, after, requestId, signature, prevHash }),
    )
    .digest('hex')
}

export function hashKey(key: string): string {
  // Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
  return createHash('sha256').update(key).digest('hex')
}
