import { z } from 'zod'

import type { DockEvent } from '../domain/types.js'
import { queryDecimal, queryInteger, queryList, READ_ERRORS } from './common.js'
import { operation, reply } from './operation.js'

export interface EventsPage {
  readonly items: DockEvent[]
  /** The workspace revision when the reply was made. */
  readonly revision: number
  /** Pass as `since` to continue after this page (filters may skip revisions). */
  readonly nextSince: number
}

export interface AuditReport {
  readonly ok: boolean
  readonly checked: number
  readonly headRevision: number
  readonly firstBreak: { readonly revision: number; readonly reason: string } | null
}

/** The log's filters in a query string: each a comma-separated any-of list. */
const filters = {
  table: queryList.optional(),
  status: queryList.optional(),
  doc: queryList.optional(),
  actor: queryList.optional(),
  type: queryList.optional(),
  /** Row ids: events targeting these rows (a row's timeline). */
  row: queryList.optional(),
}

export const listEvents = operation({
  query: z.strictObject({
    since: queryInteger(0, Number.MAX_SAFE_INTEGER).default(0),
    limit: queryInteger(1, 1000).default(100),
    wait: queryDecimal(0, 60).optional(),
    ...filters,
  }),
  // A long-poll holds a socket like a stream does.
  errors: [...READ_ERRORS, 'too_many_streams'],
  output: reply<EventsPage>(),
})

export const watch = operation({
  query: z.strictObject({ since: queryInteger(0, Number.MAX_SAFE_INTEGER).default(0), ...filters }),
  errors: [...READ_ERRORS, 'too_many_streams'],
})

export const verifyAudit = operation({ errors: READ_ERRORS, output: reply<AuditReport>() })

export type EventsParsedQuery = z.output<typeof listEvents.query>
export type EventFilterQuery = Pick<EventsParsedQuery, keyof typeof filters>
