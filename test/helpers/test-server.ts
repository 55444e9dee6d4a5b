import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { startDockServer, type DockServer, type StartDockServerOptions } from '../../src/http/serve.js'
import { openTestStore, TEST_STORE } from './test-stores.js'

export const OPERATOR_KEY = 'op-test-key'
export { TEST_STORE }

export interface TestServer extends DockServer {
  readonly dataDir: string
  /** Set when the server runs on PostgreSQL (a schema of the test database). */
  readonly databaseUrl: string | undefined
  /** A caller with the operator's key. */
  readonly op: Api
  api(key: string): Api
  [Symbol.asyncDispose](): Promise<void>
}

export interface ApiResponse<T = any> {
  readonly status: number
  readonly body: T
  readonly headers: Headers
}

export type Api = <T = any>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiResponse<T>>

/**
 * A Dock server on a fresh store (a SQLite data dir, or a PostgreSQL schema when the
 * suite runs with `DOCK_TEST_STORE=postgres`) and a free port; closes and cleans up
 * on dispose. Passing `dataDir` or `databaseUrl` pins the store.
 */
export async function startTestServer(options: Partial<StartDockServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'dock-test-'))
  const pinned = options.dataDir !== undefined || options.databaseUrl !== undefined
  const store = pinned ? { databaseUrl: undefined, drop: async () => {} } : openTestStore('srv')
  const server = await startDockServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    operatorToken: OPERATOR_KEY,
    webRoot: null,
    ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    ...options,
  })
  const api = (key: string): Api => makeApi(server.url, key)
  const close = async (): Promise<void> => {
    await server.close()
    await store.drop()
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
  }
  return {
    ...server,
    dataDir,
    databaseUrl: options.databaseUrl ?? store.databaseUrl,
    op: api(OPERATOR_KEY),
    api,
    close,
    [Symbol.asyncDispose]: close,
  }
}

export function makeApi(baseUrl: string, key: string | null): Api {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = {
      method,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }
    const res = await fetch(baseUrl + path, init)
    const text = await res.text()
    let parsed: unknown = text
    if (text !== '' && (res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text)
    return { status: res.status, body: parsed as any, headers: res.headers }
  }
}

/** The task table most tests use: todo → in_progress (claimed) → ready_for_review → done, with a review gate. */
export const TASKS_TABLE = {
  name: 'tasks',
  columns: [
    { name: 'title', type: 'text', required: true },
    { name: 'count', type: 'integer', default: 0 },
    { name: 'area', type: 'text' },
  ],
  workflow: {
    statuses: ['todo', 'in_progress', 'ready_for_review', 'done', 'failed'],
    claim: { from: ['todo'], to: 'in_progress', leaseMs: 30_000, maxAttempts: 3, deadLetter: 'failed' },
    transitions: [
      { from: 'in_progress', to: 'ready_for_review', by: ['owner'] },
      { from: 'ready_for_review', to: 'done', by: ['reviewer'], require: ['not:author'] },
      { from: 'ready_for_review', to: 'todo', by: ['reviewer'], require: ['not:author'] },
      { from: 'in_progress', to: 'done', by: ['owner'] },
    ],
  },
}

export async function createAgent(
  server: TestServer,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; key: string; api: Api }> {
  const res = await server.op('POST', '/v1/workspaces/default/principals', { name, kind: 'agent', ...extra })
  if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${JSON.stringify(res.body)}`)
  return { id: res.body.principal.id, key: res.body.key, api: server.api(res.body.key) }
}

export async function revisionOf(api: Api, ws = 'default'): Promise<number> {
  const res = await api('GET', `/v1/workspaces/${ws}`)
  return res.body.revision as number
}
