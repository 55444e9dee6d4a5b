import type { Row } from '../../domain/types.js'
import type { DockService } from '../../service/dock-service.js'
import { listParam, parseIfMatch, type Router } from '../route.js'
import {
  claimBody,
  claimNextBody,
  heartbeatBody,
  releaseBody,
  rowCreateBody,
  rowPatchBody,
  rowsQuery,
  schemaPublishBody,
  tableCreateBody,
  transitionBody,
  type workflowSchema,
} from '../schemas.js'
import type { FastifyReply } from 'fastify'
import type { z } from 'zod'

type WorkflowBody = z.infer<typeof workflowSchema>

export function registerTableRoutes(router: Router, service: DockService): void {
  const rowPath = '/v1/workspaces/:ws/tables/:table/rows/:id'

  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/tables',
    tag: 'tables',
    summary: 'Create a typed table with its workflow',
    body: tableCreateBody,
    status: 201,
    handler: ({ caller, params, body }) =>
      service.tables.createTable(caller, params['ws']!, {
        name: body.name,
        columns: body.columns as never,
        workflow: workflowInput(body.workflow),
      }),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/tables',
    tag: 'tables',
    summary: 'List tables',
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
    handler: ({ caller, params }) => service.tables.getTable(caller, params['ws']!, params['table']!),
  })
  router.add({
    method: 'PUT',
    url: '/v1/workspaces/:ws/tables/:table/schema',
    tag: 'tables',
    summary: 'Publish a new contract version',
    body: schemaPublishBody,
    handler: ({ caller, params, body }) =>
      service.tables.publishSchema(caller, params['ws']!, params['table']!, {
        columns: body.columns as never,
        workflow: workflowInput(body.workflow),
        expectedVersion: body.expectedVersion,
      }),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/tables/:table/rows',
    tag: 'rows',
    summary: 'Create a row in the initial status',
    body: rowCreateBody,
    status: 201,
    handler: async ({ caller, params, body, reply }) =>
      withEtag(
        reply,
        await service.rows.createRow(caller, params['ws']!, params['table']!, {
          values: body.values,
          ...(body.blockedBy ? { blockedBy: body.blockedBy } : {}),
          ...(body.requiredSkills ? { requiredSkills: body.requiredSkills } : {}),
          ...(body.priority !== undefined ? { priority: body.priority } : {}),
          ...(body.contractVersion !== undefined ? { contractVersion: body.contractVersion } : {}),
        }),
      ),
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/tables/:table/rows',
    tag: 'rows',
    summary: 'Query rows by status, owner, readiness',
    query: rowsQuery,
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
    handler: async ({ caller, params, reply }) =>
      withEtag(reply, await service.rows.getRow(caller, params['ws']!, params['table']!, params['id']!)),
  })
  router.add({
    method: 'PATCH',
    url: rowPath,
    tag: 'rows',
    summary: 'Update values; preconditions by expectedVersion (409) or If-Match (412); owner writes carry fencingToken',
    body: rowPatchBody,
    handler: async ({ caller, params, body, request, reply }) =>
      withEtag(
        reply,
        await service.rows.updateRow(caller, params['ws']!, params['table']!, params['id']!, {
          ...(body.values ? { values: body.values } : {}),
          ...(body.blockedBy ? { blockedBy: body.blockedBy } : {}),
          ...(body.requiredSkills ? { requiredSkills: body.requiredSkills } : {}),
          ...(body.priority !== undefined ? { priority: body.priority } : {}),
          ...(body.fencingToken !== undefined ? { fencingToken: body.fencingToken } : {}),
          ...(body.contractVersion !== undefined ? { contractVersion: body.contractVersion } : {}),
          expectedVersion: body.expectedVersion,
          ifMatch: parseIfMatch(request),
        }),
      ),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/claim`,
    tag: 'claims',
    summary: 'Claim a row: returns the lease expiry and a fencing token',
    body: claimBody,
    handler: ({ caller, params, body }) =>
      service.rows.claim(caller, params['ws']!, params['table']!, params['id']!, body.leaseMs),
  })
  router.add({
    method: 'POST',
    url: '/v1/workspaces/:ws/tables/:table/claim-next',
    tag: 'claims',
    summary:
      'Claim the next eligible row (claimable, blockers done, skills match, highest priority, oldest); 204 when none',
    body: claimNextBody,
    handler: async ({ caller, params, body, reply }) => {
      const result = await service.rows.claimNext(caller, params['ws']!, params['table']!, {
        ...(body.leaseMs !== undefined ? { leaseMs: body.leaseMs } : {}),
        ...(body.where ? { where: body.where } : {}),
      })
      if (result === null) return reply.status(204).send()
      return result
    },
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/heartbeat`,
    tag: 'claims',
    summary: 'Extend the lease',
    body: heartbeatBody,
    handler: ({ caller, params, body }) =>
      service.rows.heartbeat(caller, params['ws']!, params['table']!, params['id']!, {
        fencingToken: body.fencingToken,
        ...(body.leaseMs !== undefined ? { leaseMs: body.leaseMs } : {}),
      }),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/release`,
    tag: 'claims',
    summary: 'Give the row back to the status it was claimed from',
    body: releaseBody,
    handler: ({ caller, params, body }) =>
      service.rows.release(caller, params['ws']!, params['table']!, params['id']!, body),
  })
  router.add({
    method: 'POST',
    url: `${rowPath}/transition`,
    tag: 'claims',
    summary: 'Move the row to another status, as the workflow gates allow',
    body: transitionBody,
    handler: async ({ caller, params, body, request, reply }) =>
      withEtag(
        reply,
        await service.rows.transition(caller, params['ws']!, params['table']!, params['id']!, {
          to: body.to,
          ...(body.fencingToken !== undefined ? { fencingToken: body.fencingToken } : {}),
          ...(body.values ? { values: body.values } : {}),
          expectedVersion: body.expectedVersion,
          ifMatch: parseIfMatch(request),
        }),
      ),
  })
}

function withEtag(reply: FastifyReply, row: Row): Row {
  void reply.header('etag', `"${row.version}"`)
  return row
}

function workflowInput(w: WorkflowBody): Parameters<DockService['tables']['createTable']>[2]['workflow'] {
  return {
    statuses: w.statuses,
    statusColumn: w.statusColumn,
    initial: w.initial,
    done: w.done,
    claim:
      w.claim === null || w.claim === undefined
        ? null
        : Object.fromEntries(Object.entries(w.claim).filter(([, v]) => v !== undefined)),
    transitions: w.transitions?.map((t) => ({
      from: t.from,
      to: t.to,
      by: t.by,
      ...(t.require ? { require: t.require } : {}),
    })),
  }
}
