import { z } from 'zod'

import type { Row } from '../domain/types.js'
import {
  id,
  leaseMs,
  PRECONDITION_ERRORS,
  queryInteger,
  queryList,
  READ_ERRORS,
  skills,
  status,
  token,
  values,
  version,
  WRITE_ERRORS,
} from './common.js'
import { operation, reply, type ReadonlyDeep } from './operation.js'
import type { Page } from './workspaces.js'

/** Longest note accepted, in characters: a review remark, not a document. */
export const MAX_NOTE_LENGTH = 4000

/** The lease a claim or heartbeat hands out. */
export interface ClaimLease {
  /** Fencing token: carry it on every write while you own the row. */
  readonly token: number
  readonly expiresAt: string
  readonly owner?: string
}

export interface Claim {
  readonly row: Row
  readonly lease: ClaimLease
}

/** A note on a row, as read back from its `row.note_added` event. */
export interface RowNote {
  readonly revision: number
  readonly ts: string
  /** Principal id of the author. */
  readonly actor: string
  readonly table: string
  readonly rowId: string
  readonly text: string
}

export interface RowNotePage {
  readonly items: RowNote[]
  /** Pass as `since` for the notes after this page. */
  readonly nextSince: number
}

const blockedBy = z.array(id).max(256)
const priority = z.number().finite().min(-1e9).max(1e9)
/** Writes by the claimant carry its token; a successor's claim makes older tokens stale. */
const OWNER_WRITE_ERRORS = ['not_owner', 'stale_fencing_token', 'lease_expired', 'already_claimed'] as const

export const createRow = operation({
  body: z.strictObject({
    values: values.default({}),
    blockedBy: blockedBy.optional(),
    requiredSkills: skills.optional(),
    priority: priority.optional(),
    contractVersion: version.optional(),
  }),
  errors: [...WRITE_ERRORS, 'transition_not_allowed', 'contract_changed'],
  output: reply<Row>(),
})

export const listRows = operation({
  query: z.strictObject({
    status: queryList.optional(),
    owner: z.string().max(128).optional(),
    ready: z.enum(['true', 'false']).optional(),
    limit: queryInteger(1, 500).default(100),
    cursor: z.string().max(256).optional(),
  }),
  errors: READ_ERRORS,
  output: reply<Page<Row>>(),
})

export const getRow = operation({ errors: READ_ERRORS, output: reply<Row>() })

export const patchRow = operation({
  body: z.strictObject({
    values: values.optional(),
    blockedBy: blockedBy.optional(),
    requiredSkills: skills.optional(),
    priority: priority.optional(),
    expectedVersion: version.optional(),
    fencingToken: token.optional(),
    contractVersion: version.optional(),
  }),
  errors: [...WRITE_ERRORS, ...PRECONDITION_ERRORS, ...OWNER_WRITE_ERRORS, 'contract_changed'],
  output: reply<Row>(),
})

export const claim = operation({
  body: z.strictObject({ leaseMs: leaseMs.optional() }),
  errors: [...WRITE_ERRORS, 'already_claimed', 'transition_not_allowed'],
  output: reply<Claim>(),
})

export const claimNext = operation({
  body: z.strictObject({ leaseMs: leaseMs.optional(), where: values.optional() }),
  errors: [...WRITE_ERRORS, 'transition_not_allowed'],
  output: reply<Claim | null>(),
})

export const heartbeat = operation({
  body: z.strictObject({ fencingToken: token, leaseMs: leaseMs.optional() }),
  errors: [...WRITE_ERRORS, ...OWNER_WRITE_ERRORS],
  output: reply<Claim>(),
})

export const release = operation({
  body: z.strictObject({ fencingToken: token }),
  errors: [...WRITE_ERRORS, ...OWNER_WRITE_ERRORS],
  output: reply<Row>(),
})

export const transition = operation({
  body: z.strictObject({
    to: status,
    fencingToken: token.optional(),
    expectedVersion: version.optional(),
    values: values.optional(),
  }),
  errors: [...WRITE_ERRORS, ...PRECONDITION_ERRORS, ...OWNER_WRITE_ERRORS, 'transition_not_allowed'],
  output: reply<Row>(),
})

export const listNotes = operation({
  query: z.strictObject({
    since: queryInteger(0, Number.MAX_SAFE_INTEGER).default(0),
    limit: queryInteger(1, 500).default(100),
  }),
  errors: READ_ERRORS,
  output: reply<RowNotePage>(),
})

export const addNote = operation({
  body: z.strictObject({ text: z.string().min(1).max(MAX_NOTE_LENGTH) }),
  errors: WRITE_ERRORS,
  output: reply<RowNote>(),
})

export const requeue = operation({
  body: z.strictObject({ expectedVersion: version.optional() }),
  errors: [...WRITE_ERRORS, ...PRECONDITION_ERRORS, 'transition_not_allowed'],
  output: reply<Row>(),
})

export type CreateRowBody = z.output<typeof createRow.body>
export type PatchRowBody = z.output<typeof patchRow.body>
export type ClaimNextBody = z.output<typeof claimNext.body>
export type HeartbeatBody = z.output<typeof heartbeat.body>
export type ReleaseBody = z.output<typeof release.body>
export type TransitionBody = z.output<typeof transition.body>
export type NotesParsedQuery = z.output<typeof listNotes.query>

export type CreateRowInput = ReadonlyDeep<z.input<typeof createRow.body>>
export type PatchRowInput = ReadonlyDeep<z.input<typeof patchRow.body>>
export type ClaimInput = ReadonlyDeep<z.input<typeof claim.body>>
export type ClaimNextInput = ReadonlyDeep<z.input<typeof claimNext.body>>
export type HeartbeatInput = ReadonlyDeep<z.input<typeof heartbeat.body>>
export type ReleaseInput = ReadonlyDeep<z.input<typeof release.body>>
export type TransitionInput = ReadonlyDeep<z.input<typeof transition.body>>
export type RequeueInput = ReadonlyDeep<z.input<typeof requeue.body>>
