import { createHash } from 'node:crypto'

import type { DockEvent } from './types.js'

/** JSON with object keys sorted at every depth, so a hash never depends on key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}

/** The hash of an event covers every field but the hash itself, prevHash included: that is the chain. */
export function hashEvent(event: Omit<DockEvent, 'hash'>): string {
  const { workspaceId, revision, ts, actor, type, target, before, after, requestId, signature, prevHash } = event
  return createHash('sha256')
    .update(canonicalJson({ workspaceId, revision, ts, actor, type, target, before, after, requestId, signature, prevHash }))
    .digest('hex')
}

export function hashKey(key: string): string {
  // Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
  return createHash('sha256').update(key).digest('hex')
}
