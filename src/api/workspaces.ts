import { z } from 'zod'

import type { Principal, Workspace } from '../domain/types.js'
import { AUTH_ERRORS, name, READ_ERRORS, WRITE_ERRORS } from './common.js'
import type { WorkspaceStats } from './stats.js'
import { operation, reply } from './operation.js'

export interface Me {
  readonly principal: Principal
  readonly workspace: Workspace
}

export interface CreatedWorkspace {
  readonly workspace: Workspace
  /** A fresh operator of the new workspace; its key is shown only here. */
  readonly operator: { readonly principal: Principal; readonly key: string }
}

/** A page of a list; pass `nextCursor` back as `cursor` for the next one. */
export interface Page<TItem> {
  readonly items: TItem[]
  readonly nextCursor: string | null
}

export const me = operation({ errors: AUTH_ERRORS, output: reply<Me>() })

export const createWorkspace = operation({
  body: z.strictObject({ name }),
  errors: [...WRITE_ERRORS, 'already_exists', 'quota_exceeded'],
  output: reply<CreatedWorkspace>(),
})

export const listWorkspaces = operation({ errors: AUTH_ERRORS, output: reply<Page<Workspace>>() })
export const getWorkspace = operation({ errors: READ_ERRORS, output: reply<Workspace>() })
/** Freezing is the operator's, and works on a frozen workspace (no budget, no frozen refusal). */
export const setFrozen = operation({
  errors: [...READ_ERRORS, 'forbidden', 'invalid_signature'],
  output: reply<Workspace>(),
})
export const stats = operation({ errors: READ_ERRORS, output: reply<WorkspaceStats>() })
export const metrics = operation({ errors: [...AUTH_ERRORS, 'forbidden'], output: reply<string>() })
export const backup = operation({ errors: [...AUTH_ERRORS, 'forbidden'] })
