/**
 * One valid request per route of the API, so table-driven suites can call every
 * route and know which refusal to expect. `routeKey` is `METHOD /openapi/path`;
 * suites fail when the served OpenAPI document has a route this table lacks.
 */
import { tasksTable } from '../helpers/test-world.js'
import { ok } from './http.js'

export type RouteScope = 'public' | 'global' | 'workspace'

export interface RouteCase {
  /** public: no auth; global: not tied to a workspace in the path; workspace: under /v1/workspaces/{ws}. */
  readonly scope: RouteScope
  /** A write (changes state when accepted). */
  readonly write: boolean
  /** Only operators may call it. */
  readonly operatorOnly?: boolean
  /** Writes the workspace keeps taking while frozen (operator authority). */
  readonly evenWhenFrozen?: boolean
  /** Server-Sent Events: read the head and hang up. */
  readonly stream?: boolean
  readonly body?: () => unknown
  readonly query?: string
  readonly headers?: Record<string, string>
}

export interface World {
  readonly base: string
  readonly opKey: string
  readonly memberKey: string
  readonly memberId: string
  /** A principal that suspend/resume routes act on (never the caller). */
  readonly targetName: string
  readonly table: string
  /** An unclaimed row. */
  readonly rowId: string
  readonly doc: string
  readonly docId: string
  readonly section: string
}

let unique = 0
const next = (prefix: string): string => `${prefix}-${process.pid}-${++unique}`

const schemaBody = (): unknown => {
  const t = tasksTable({ name: 'x', maxAttempts: 100 }) as { columns: unknown; workflow: unknown }
  return { columns: t.columns, workflow: t.workflow }
}

export const ROUTES: Record<string, RouteCase> = {
  'GET /v1/health': { scope: 'public', write: false },
  'GET /v1/openapi.json': { scope: 'public', write: false },
  'GET /v1/me': { scope: 'global', write: false },
  'GET /v1/workspaces': { scope: 'global', write: false },
  'GET /v1/backup': { scope: 'global', write: false, operatorOnly: true },
  'POST /v1/workspaces': { scope: 'global', write: true, operatorOnly: true, body: () => ({ name: next('ws') }) },
  'POST /mcp': {
    scope: 'global',
    write: false,
    body: () => ({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    headers: { accept: 'application/json, text/event-stream' },
  },
  'GET /v1/workspaces/{ws}': { scope: 'workspace', write: false },
  'POST /v1/workspaces/{ws}/freeze': { scope: 'workspace', write: true, operatorOnly: true, evenWhenFrozen: true },
  'POST /v1/workspaces/{ws}/unfreeze': { scope: 'workspace', write: true, operatorOnly: true, evenWhenFrozen: true },
  'POST /v1/workspaces/{ws}/principals': {
    scope: 'workspace',
    write: true,
    operatorOnly: true,
    body: () => ({ name: next('p'), kind: 'agent' }),
  },
  'GET /v1/workspaces/{ws}/principals': { scope: 'workspace', write: false },
  'GET /v1/workspaces/{ws}/principals/{id}': { scope: 'workspace', write: false },
  'POST /v1/workspaces/{ws}/principals/{id}/suspend': {
    scope: 'workspace',
    write: true,
    operatorOnly: true,
    evenWhenFrozen: true,
  },
  'POST /v1/workspaces/{ws}/principals/{id}/resume': {
    scope: 'workspace',
    write: true,
    operatorOnly: true,
    evenWhenFrozen: true,
  },
  'POST /v1/workspaces/{ws}/tables': {
    scope: 'workspace',
    write: true,
    operatorOnly: true,
    body: () => tasksTable({ name: next('t'), maxAttempts: 100 }),
  },
  'GET /v1/workspaces/{ws}/tables': { scope: 'workspace', write: false },
  'GET /v1/workspaces/{ws}/tables/{table}': { scope: 'workspace', write: false },
  'PUT /v1/workspaces/{ws}/tables/{table}/schema': {
    scope: 'workspace',
    write: true,
    operatorOnly: true,
    body: schemaBody,
  },
  'POST /v1/workspaces/{ws}/tables/{table}/rows': {
    scope: 'workspace',
    write: true,
    body: () => ({ values: { title: 'new' } }),
  },
  'GET /v1/workspaces/{ws}/tables/{table}/rows': { scope: 'workspace', write: false, query: 'status=todo&limit=5' },
  'GET /v1/workspaces/{ws}/tables/{table}/rows/{id}': { scope: 'workspace', write: false },
  'PATCH /v1/workspaces/{ws}/tables/{table}/rows/{id}': {
    scope: 'workspace',
    write: true,
    body: () => ({ values: { notes: 'edited' } }),
  },
  'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/claim': {
    scope: 'workspace',
    write: true,
    body: () => ({ leaseMs: 60_000 }),
  },
  'POST /v1/workspaces/{ws}/tables/{table}/claim-next': { scope: 'workspace', write: true, body: () => ({}) },
  'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/heartbeat': {
    scope: 'workspace',
    write: true,
    body: () => ({ fencingToken: 1 }),
  },
  'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/release': {
    scope: 'workspace',
    write: true,
    body: () => ({ fencingToken: 1 }),
  },
  'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/transition': {
    scope: 'workspace',
    write: true,
    body: () => ({ to: 'done' }),
  },
  'POST /v1/workspaces/{ws}/docs': {
    scope: 'workspace',
    write: true,
    body: () => ({ title: next('doc'), content: '# One\n\nbody\n' }),
  },
  'GET /v1/workspaces/{ws}/docs': { scope: 'workspace', write: false },
  'GET /v1/workspaces/{ws}/docs/{doc}': { scope: 'workspace', write: false },
  'PUT /v1/workspaces/{ws}/docs/{doc}': {
    scope: 'workspace',
    write: true,
    body: () => ({ content: '# Intro\n\nreplaced\n', expectedVersion: 1 }),
  },
  'GET /v1/workspaces/{ws}/docs/{doc}/sections/{key}': { scope: 'workspace', write: false },
  'PUT /v1/workspaces/{ws}/docs/{doc}/sections/{key}': {
    scope: 'workspace',
    write: true,
    body: () => ({ body: 'rewritten' }),
  },
  'GET /v1/workspaces/{ws}/docs/{doc}/sections/{key}/history': { scope: 'workspace', write: false },
  'POST /v1/workspaces/{ws}/docs/{doc}/lock': { scope: 'workspace', write: true, body: () => ({ leaseMs: 60_000 }) },
  'POST /v1/workspaces/{ws}/docs/{doc}/unlock': { scope: 'workspace', write: true },
  'GET /v1/workspaces/{ws}/tables/{table}/rows/{id}/notes': { scope: 'workspace', write: false },
  'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/notes': {
    scope: 'workspace',
    write: true,
    body: () => ({ text: 'a remark' }),
  },
  'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/requeue': {
    scope: 'workspace',
    write: true,
    operatorOnly: true,
    body: () => ({}),
  },
  'GET /v1/workspaces/{ws}/stats': { scope: 'workspace', write: false },
  'GET /metrics': { scope: 'global', write: false, operatorOnly: true },
  'GET /v1/workspaces/{ws}/events': { scope: 'workspace', write: false, query: 'since=0&limit=10' },
  'GET /v1/workspaces/{ws}/watch': { scope: 'workspace', write: false, stream: true, query: 'since=0' },
  'GET /v1/workspaces/{ws}/audit/verify': { scope: 'workspace', write: false },
}

export function routeKeysOf(openapi: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(openapi.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
  )
}

/** Fills the path template of a route key from the world. */
export function pathOf(routeKey: string, world: World, ws = 'default'): string {
  const path = routeKey.slice(routeKey.indexOf(' ') + 1)
  const isPrincipal = path.includes('/principals/{id}')
  return path
    .replace('{ws}', encodeURIComponent(ws))
    .replace('{table}', world.table)
    .replace('{id}', isPrincipal ? world.targetName : world.rowId)
    .replace('{doc}', world.docId)
    .replace('{key}', world.section)
}

/** A workspace with one of everything the route table needs. */
export async function buildWorld(base: string, opKey: string): Promise<World> {
  await ok(base, 'POST', '/v1/workspaces/default/tables', { key: opKey, body: tasksTable({ maxAttempts: 100 }) })
  const member = await ok(base, 'POST', '/v1/workspaces/default/principals', {
    key: opKey,
    body: { name: 'worker', kind: 'agent', roles: ['member'] },
  })
  await ok(base, 'POST', '/v1/workspaces/default/principals', {
    key: opKey,
    body: { name: 'target', kind: 'agent', roles: ['member'] },
  })
  const row = await ok(base, 'POST', '/v1/workspaces/default/tables/tasks/rows', {
    key: opKey,
    body: { values: { title: 'first' } },
  })
  const doc = await ok(base, 'POST', '/v1/workspaces/default/docs', {
    key: opKey,
    body: { title: 'plan', content: '# Intro\n\nhello\n\n# Steps\n\none\n' },
  })
  return {
    base,
    opKey,
    memberKey: member.key,
    memberId: member.principal.id,
    targetName: 'target',
    table: 'tasks',
    rowId: row.id,
    doc: 'plan',
    docId: doc.id,
    section: doc.sections[0].key,
  }
}
