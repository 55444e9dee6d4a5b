import { z } from 'zod'

import { queryList } from '../api/common.js'

// Each value within the API's bound for a filter parameter (the list filters of src/api/events.ts).
const filterValue = queryList.min(1)
const oneOrMany = z.union([filterValue, z.array(filterValue).min(1).max(64)])

/** The log's filters as tool arguments; each is any-of. */
export const eventFilterShape = {
  table: oneOrMany.optional().describe('Only events of this table (or these tables).'),
  doc: oneOrMany.optional().describe('Only events of this doc (id or title, or several).'),
  status: oneOrMany.optional().describe('Only row events whose status after the change is one of these.'),
  actor: oneOrMany.optional().describe('Only events by this principal (name or id, or several).'),
  type: oneOrMany.optional().describe('Only these event types, e.g. "row.claimed" or "doc.*".'),
  row: oneOrMany.optional().describe("Only events of this row id (or these): a row's own timeline."),
}
