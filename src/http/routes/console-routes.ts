import { z } from 'zod'

import type { DockService } from '../../service/dock-service.js'
import { MAX_NOTE_LENGTH } from '../../service/note-service.js'
import { parseIfMatch, type Router } from '../route.js'
import { queryInteger } from '../schemas.js'

const version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

export const noteCreateBody = z.strictObject({ text: z.string().min(1).max(MAX_NOTE_LENGTH) })
export const notesQuery = z.strictObject({
  since: queryInteger(0, Number.MAX_SAFE_INTEGER).default(0),
  limit: queryInteger(1, 500).default(100),
})
export const requeueBody = z.strictObject({ expectedVersion: version.optional() })

/**
 * What the web console needs beyond the core API: notes on rows, the
 * operator's requeue of dead letters, crew-health stats and their Prometheus
 * form at GET /metrics.
 */
export function registerConsoleRoutes(router: Router, service: DockService): void {
  const rowPath = '/v1/workspaces/:ws/tables/:table/rows/:id'

  router.add({
    method: 'GET',
    url: `${rowPath}/notes`,
    tag: 'rows',
    summary: "A row's notes, oldest first (the log's row.note_added events); page on with since=nextSince",
    query: notesQuery,
    handler: ({ caller, params, query }) =>
      service.notes.listNotes(caller, params['ws']!, params['table']!, params['id']!, {
        since: query.since,
        limit: query.limit,
      }),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/notes`,
    tag: 'rows',
    summary: "Add a note to a row (any role); logged as row.note_added, leaves the row's version alone",
    body: noteCreateBody,
    status: 201,
    handler: ({ caller, params, body }) =>
      service.notes.addNote(caller, params['ws']!, params['table']!, params['id']!, body.text),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/requeue`,
    tag: 'claims',
    summary: 'Operator: a dead-letter row back to its claimable status, attempts reset (row.requeued)',
    body: requeueBody,
    handler: ({ caller, params, body, request }) =>
      service.rows.requeue(caller, params['ws']!, params['table']!, params['id']!, {
        expectedVersion: body.expectedVersion,
        ifMatch: parseIfMatch(request),
      }),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/stats',
    tag: 'workspaces',
    summary:
      'Crew health: review backlog and age, leases about to expire, stuck or idle principals, dead letters, done per hour',
    handler: ({ caller, params }) => service.stats.stats(caller, params['ws']!),
  })
  router.add({
    method: 'GET',
    url: '/metrics',
    tag: 'meta',
    summary: "Prometheus text format of the caller's workspace stats; needs an operator bearer key",
    handler: async ({ caller, reply }) => {
      const text = await service.stats.metrics(caller)
      void reply.type('text/plain; version=0.0.4; charset=utf-8').header('cache-control', 'no-store')
      return text
    },
  })
}
