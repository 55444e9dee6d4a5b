import type { FastifyReply } from 'fastify'

import * as rows from '../../api/rows.js'
import * as tables from '../../api/tables.js'
import type { Row } from '../../domain/types.js'
import type { DockService } from '../../service/dock-service.js'
import { listParam, parseIfMatch, type Router } from '../route.js'

export function registerTableRoutes(router: Router, service: DockService): void {
  const rowPath = '/v1/workspaces/:ws/tables/:table/rows/:id'

  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/tables',
    tag: 'tables',
    summary: 'Create a typed table with its workflow',
    operation: tables.createTable,
    status: 201,
    handler: ({ caller, params, body }) => service.tables.createTable(caller, params['ws']!, body),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/tables',
    tag: 'tables',
    summary: 'List tables',
    operation: tables.listTables,
    handler: async ({ caller, params }) => ({
      items: await service.tables.listTables(caller, params['ws']!),
      nextCursor: null,
    }),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/tables/:table',
    tag: 'tables',
    summary: 'Read a table with its contract version',
    operation: tables.getTable,
    handler: ({ caller, params }) => service.tables.getTable(caller, params['ws']!, params['table']!),
  })
  router.add({
    method: 'PUT',
    url: '/v1/workspaces/:ws/tables/:table/schema',
    tag: 'tables',
    summary: 'Publish a new contract version',
    operation: tables.publishSchema,
    handler: ({ caller, params, body }) => service.tables.publishSchema(caller, params['ws']!, params['table']!, body),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/tables/:table/rows',
    tag: 'rows',
    summary: 'Create a row in the initial status',
    operation: rows.createRow,
    status: 201,
    handler: async ({ caller, params, body, reply }) =>
      withEtag(reply, await service.rows.createRow(caller, params['ws']!, params['table']!, body)),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/tables/:table/rows',
    tag: 'rows',
    summary: 'Query rows by status, owner, readiness',
    operation: rows.listRows,
    handler: ({ caller, params, query }) =>
      service.rows.listRows(caller, params['ws']!, params['table']!, {
        limit: query.limit,
        ...(query.status ? { statuses: listParam(query.status) ?? [] } : {}),
        ...(query.owner ? { owner: query.owner } : {}),
        ...(query.ready === 'true' ? { ready: true } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      }),
  })
  router.add({
    method: 'GET',
    url: rowPath,
    tag: 'rows',
    summary: 'Read a row; ETag is its version',
    operation: rows.getRow,
    handler: async ({ caller, params, reply }) =>
      withEtag(reply, await service.rows.getRow(caller, params['ws']!, params['table']!, params['id']!)),
  })
  router.add({
    method: 'PATCH',
    url: rowPath,
    tag: 'rows',
    summary: 'Update values; preconditions by expectedVersion (409) or If-Match (412); owner writes carry fencingToken',
    operation: rows.patchRow,
    handler: async ({ caller, params, body, request, reply }) =>
      withEtag(
        reply,
        await service.rows.updateRow(caller, params['ws']!, params['table']!, params['id']!, {
          ...body,
          ifMatch: parseIfMatch(request),
        }),
      ),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/claim`,
    tag: 'claims',
    summary: 'Claim a row: returns the lease expiry and a fencing token',
    operation: rows.claim,
    handler: ({ caller, params, body }) =>
      service.rows.claim(caller, params['ws']!, params['table']!, params['id']!, body.leaseMs),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/tables/:table/claim-next',
    tag: 'claims',
    summary:
      'Claim the next eligible row (claimable, blockers done, skills match, highest priority, oldest); 204 when none',
    operation: rows.claimNext,
    handler: async ({ caller, params, body, reply }) => {
      const result = await service.rows.claimNext(caller, params['ws']!, params['table']!, body)
      if (result === null) return reply.status(204).send()
      return result
    },
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/heartbeat`,
    tag: 'claims',
    summary: 'Extend the lease',
    operation: rows.heartbeat,
    handler: ({ caller, params, body }) =>
      service.rows.heartbeat(caller, params['ws']!, params['table']!, params['id']!, body),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/release`,
    tag: 'claims',
    summary: 'Give the row back to the status it was claimed from',
    operation: rows.release,
    handler: ({ caller, params, body }) =>
      service.rows.release(caller, params['ws']!, params['table']!, params['id']!, body),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/transition`,
    tag: 'claims',
    summary: 'Move the row to another status, as the workflow gates allow',
    operation: rows.transition,
    handler: async ({ caller, params, body, request, reply }) =>
      withEtag(
        reply,
        await service.rows.transition(caller, params['ws']!, params['table']!, params['id']!, {
          ...body,
          ifMatch: parseIfMatch(request),
        }),
      ),
  })
}

function withEtag(reply: FastifyReply, row: Row): Row {
  void reply.header('etag', `"${row.version}"`)
  return row
}
