import { DockError } from '../domain/errors.js'
import { mayPerform, type Operation, PERMISSIONS } from '../domain/roles.js'
import type { Caller } from './service-types.js'

/** Refuses with 403 `forbidden` unless the caller's roles grant `op` (src/domain/roles.ts). */
export function authorize(caller: Caller, op: Operation): void {
  if (!mayPerform(caller.principal.roles, op)) {
    const needs: readonly string[] = PERMISSIONS[op]
    throw new DockError(
      'forbidden',
      `${op} needs one of roles ${needs.join(', ')}; ${caller.principal.name} has ${caller.principal.roles.join(', ') || 'none'}`,
      {
        details: { operation: op, needs, roles: caller.principal.roles },
      },
    )
  }
}

/** The principal a key or id resolved to, if it may still act: known and not suspended. */
export function requireActive<TPrincipal extends { readonly name: string; readonly status: string }>(
  p: TPrincipal | null,
  missing: string,
): TPrincipal {
  if (p === null) throw new DockError('unauthorized', missing)
  if (p.status === 'suspended') throw new DockError('principal_suspended', `principal ${p.name} is suspended`)
  return p
}
