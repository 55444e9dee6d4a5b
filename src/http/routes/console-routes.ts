import * as rows from '../../api/rows.js'
import * as workspaces from '../../api/workspaces.js'
import type { DockService } from '../../service/dock-service.js'
import { parseIfMatch, type Router } from '../route.js'

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
    operation: rows.listNotes,
    handler: ({ caller, params, query }) =>
      service.notes.listNotes(caller, params['ws']!, params['table']!, params['id']!, query),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/notes`,
    tag: 'rows',
    summary: "Add a note to a row (any role); logged as row.note_added, leaves the row's version alone",
    operation: rows.addNote,
    status: 201,
    handler: ({ caller, params, body }) =>
      service.notes.addNote(caller, params['ws']!, params['table']!, params['id']!, body.text),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/requeue`,
    tag: 'claims',
    summary: 'Operator: a dead-letter row back to its claimable status, attempts reset (row.requeued)',
    operation: rows.requeue,
    handler: ({ caller, params, body, request }) =>
      service.rows.requeue(caller, params['ws']!, params['table']!, params['id']!, {
        ...body,
        ifMatch: parseIfMatch(request),
      }),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/stats',
    tag: 'workspaces',
    summary:
      'Crew health: review backlog and age, leases about to expire, stuck or idle principals, dead letters, done per hour',
    operation: workspaces.stats,
    handler: ({ caller, params }) => service.stats.stats(caller, params['ws']!),
  })
  router.add({
    method: 'GET',
    url: '/metrics',
    tag: 'meta',
    summary: "Prometheus text format of the caller's workspace stats; needs an operator bearer key",
    operation: workspaces.metrics,
    handler: async ({ caller, reply }) => {
      const text = await service.stats.metrics(caller)
      void reply.type('text/plain; version=0.0.4; charset=utf-8').header('cache-control', 'no-store')
      return text
    },
  })
}
