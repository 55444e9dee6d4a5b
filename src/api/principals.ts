import { z } from 'zod'

import type { Principal, Role } from '../domain/types.js'
import { ROLES } from '../domain/types.js'
import { name, READ_ERRORS, WRITE_ERRORS } from './common.js'
import { operation, reply, type ReadonlyDeep } from './operation.js'
import type { Page } from './workspaces.js'

export interface CreatedPrincipal {
  readonly principal: Principal
  /** The principal's key: shown once, stored only as a hash. */
  readonly key: string
}

export interface OpenClaim {
  readonly table: string
  readonly id: string
  readonly status: string
  readonly leaseExpiresAt: string | null
  readonly fencingToken: number
}

export interface PrincipalView extends Principal {
  readonly openClaims: readonly OpenClaim[]
  readonly budgetUsed: number
}

export const createPrincipal = operation({
  body: z.strictObject({
    name,
    kind: z.enum(['human', 'agent']).optional(),
    roles: z
      .array(z.enum(ROLES as readonly [Role, ...Role[]]))
      .max(3)
      .optional(),
    skills: z.array(z.string().min(1).max(64)).max(64).optional(),
    budget: z.strictObject({ writesPerMinute: z.number().int().min(1).max(1_000_000).nullable() }).optional(),
    publicKey: z.string().min(1).max(4096).nullable().optional(),
  }),
  errors: [...WRITE_ERRORS, 'already_exists'],
  output: reply<CreatedPrincipal>(),
})

export const listPrincipals = operation({ errors: READ_ERRORS, output: reply<Page<PrincipalView>>() })
export const getPrincipal = operation({ errors: READ_ERRORS, output: reply<PrincipalView>() })
/** Suspension is the kill switch: it works on a frozen workspace, and spends no budget. */
export const suspendPrincipal = operation({
  errors: [...READ_ERRORS, 'forbidden', 'invalid_signature'],
  output: reply<Principal>(),
})
export const resumePrincipal = suspendPrincipal

export type CreatePrincipalBody = z.output<typeof createPrincipal.body>
export type CreatePrincipalInput = ReadonlyDeep<z.input<typeof createPrincipal.body>>
