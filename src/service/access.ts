import { DockError } from '../domain/errors.js'
import type { Role } from '../domain/types.js'
import type { Caller } from './service-types.js'

/** Roles that may create tables, rows and docs (reviewers only read and approve). */
export const WRITE_ROLES: readonly Role[] = ['operator', 'member']

export function requireRole(caller: Caller, role: Role): void {
  if (!caller.principal.roles.includes(role)) throw new DockError('forbidden', `needs role ${role}`)
}

export function requireAnyRole(caller: Caller, roles: readonly Role[]): void {
  if (!roles.some((r) => caller.principal.roles.includes(r))) throw new DockError('forbidden', `needs one of roles ${roles.join(', ')}`)
}

/** The principal a key or id resolved to, if it may still act: known and not suspended. */
export function requireActive<TPrincipal extends { readonly name: string; readonly status: string }>(p: TPrincipal | null, missing: string): TPrincipal {
  if (p === null) throw new DockError('unauthorized', missing)
  if (p.status === 'suspended') throw new DockError('principal_suspended', `principal ${p.name} is suspended`)
  return p
}
