import { z } from 'zod'

const oneOrMany = z.union([z.string(), z.array(z.string())])

/** The log's filters as tool arguments; each is any-of. */
export const eventFilterShape = {
  table: oneOrMany.optional().describe('Only events of this table (or these tables).'),
  doc: oneOrMany.optional().describe('Only events of this doc id (or these).'),
  status: oneOrMany.optional().describe('Only row events whose status after the change is one of these.'),
  actor: oneOrMany.optional().describe('Only events by this principal id (or these).'),
  type: oneOrMany
    .optional()
    .describe('Only these event types, e.g. "row.claimed" or "doc.*".'),
}
