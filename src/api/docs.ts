import { z } from 'zod'

import type { Doc, DockEvent, DocLock, Section } from '../domain/types.js'
import { id, leaseMs, PRECONDITION_ERRORS, READ_ERRORS, token, version, WRITE_ERRORS } from './common.js'
import { operation, reply, type ReadonlyDeep } from './operation.js'
import type { Page } from './workspaces.js'

/** A doc as listed: sections without their bodies. */
export type DocSummary = Omit<Doc, 'sections'> & {
  readonly sections?: readonly Omit<Section, 'body'>[]
}

export interface SectionWrite {
  readonly section: Section
  readonly doc: { readonly id: string; readonly version: number; readonly revision: number }
}

export interface DocLockResult {
  readonly doc: Doc
  readonly lock: DocLock
}

export interface SectionHistory {
  readonly items: DockEvent[]
}

const content = z.string().max(1_000_000)
/** Writes under the doc lock carry its token; another holder's lock refuses them. */
const LOCK_ERRORS = ['doc_locked', 'lease_expired', 'precondition_required'] as const

/** A section key in a path: the slug of the heading it was first written under. */
export const sectionKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}_][\p{L}\p{N}_-]*$/u, 'letters, digits, _ and - only')

export const createDoc = operation({
  body: z.strictObject({ title: z.string().min(1).max(200), content: content.default('') }),
  errors: [...WRITE_ERRORS, 'already_exists'],
  output: reply<Doc>(),
})

export const listDocs = operation({ errors: READ_ERRORS, output: reply<Page<DocSummary>>() })

export const getDoc = operation({
  query: z.strictObject({ format: z.enum(['json', 'markdown']).default('json') }),
  errors: READ_ERRORS,
  output: reply<Doc | string>(),
})

export const replaceDoc = operation({
  body: z.strictObject({
    content,
    /** Required (or If-Match): blind whole-doc replaces are refused with 428. */
    expectedVersion: version.optional(),
    /** The doc lock's token, when writing under the lock. */
    lockToken: token.optional(),
  }),
  errors: [...WRITE_ERRORS, ...PRECONDITION_ERRORS, ...LOCK_ERRORS, 'lane_owned'],
  output: reply<Doc>(),
})

export const getSection = operation({ errors: READ_ERRORS, output: reply<Section>() })

export const writeSection = operation({
  body: z.strictObject({
    body: content,
    heading: z
      .string()
      .max(200)
      .regex(/^[^\n\r]*$/, 'one line')
      .optional(),
    expectedVersion: version.optional(),
    /** Lane owner (principal id or name); null clears it. */
    lane: id.nullable().optional(),
    /** The doc lock's token, when writing under the lock. */
    lockToken: token.optional(),
  }),
  errors: [...WRITE_ERRORS, ...PRECONDITION_ERRORS, ...LOCK_ERRORS, 'lane_owned'],
  output: reply<SectionWrite>(),
})

export const sectionHistory = operation({ errors: READ_ERRORS, output: reply<SectionHistory>() })

export const lockDoc = operation({
  body: z.strictObject({ leaseMs: leaseMs.optional() }),
  errors: [...WRITE_ERRORS, 'doc_locked'],
  output: reply<DocLockResult>(),
})

export const unlockDoc = operation({
  /** The token `lockDoc` returned; the holder must send it. */
  body: z.strictObject({ token: token.optional() }),
  errors: [...WRITE_ERRORS, ...LOCK_ERRORS],
  output: reply<Doc>(),
})

export type CreateDocBody = z.output<typeof createDoc.body>
export type ReplaceDocBody = z.output<typeof replaceDoc.body>
export type WriteSectionBody = z.output<typeof writeSection.body>

export type CreateDocInput = ReadonlyDeep<z.input<typeof createDoc.body>>
export type ReplaceDocInput = ReadonlyDeep<z.input<typeof replaceDoc.body>>
export type WriteSectionInput = ReadonlyDeep<z.input<typeof writeSection.body>>
export type LockDocInput = ReadonlyDeep<z.input<typeof lockDoc.body>>
export type UnlockDocInput = ReadonlyDeep<z.input<typeof unlockDoc.body>>
