/**
 * The one test world: a Dock server on the store vitest chose for this process
 * (test/helpers/test-stores.ts), its operator key, principals with roles and their
 * keys, the tasks table the suites share, two nodes on one PostgreSQL schema, and
 * teardown. Suites reach the server as raw HTTP (`Api`), as the SDK (`startFixture`)
 * or through the CLI harness, but every one of them starts it here.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe } from 'vitest'

import { DockClient } from '../../src/client/index.js'
import type { ClaimRule, Column, Transition } from '../../src/domain/types.js'
import { startDockServer, type DockServer, type StartDockServerOptions } from '../../src/http/serve.js'
import { SKIP_REASON, TEST_DATABASE_URL, TestSchemas } from './postgres-test-db.js'
import { openTestStore, TEST_STORE, type TestStore } from './test-stores.js'

export const OPERATOR_KEY = 'op-test-key'
export { TEST_STORE }

export type Role = 'member' | 'reviewer' | 'operator'

export interface Principal {
  readonly id: string
  readonly key: string
  readonly api: Api
}

export interface TestServer extends DockServer {
  readonly dataDir: string
  /** Set when the server runs on PostgreSQL (a schema of the test database). */
  readonly databaseUrl: string | undefined
  /** A caller with the operator's key. */
  readonly op: Api
  api(key: string): Api
  /** An SDK client with `key` (the operator's by default). */
  client(key?: string): DockClient
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

export interface TestServerOptions extends Partial<StartDockServerOptions> {
  /** Runs on this store whatever vitest chose: for suites that loop over both stores themselves. */
  readonly store?: TestStore
}

/**
 * A Dock server on a fresh store (a SQLite data dir, or a PostgreSQL schema when the
 * suite runs with `DOCK_TEST_STORE=postgres`) and a free port; closes and cleans up
 * on dispose. Passing `dataDir` or `databaseUrl` pins the store.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { store: storeChoice, ...serverOptions } = options
  const dataDir = serverOptions.dataDir ?? mkdtempSync(join(tmpdir(), 'dock-test-'))
  const pinned = serverOptions.dataDir !== undefined || serverOptions.databaseUrl !== undefined
  const store = pinned ? { databaseUrl: undefined, drop: async () => {} } : openTestStore('srv', storeChoice)
  const server = await startDockServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    operatorToken: OPERATOR_KEY,
    webRoot: null,
    logger: false,
    ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    ...serverOptions,
  })
  const api = (key: string): Api => makeApi(server.url, key)
  const close = async (): Promise<void> => {
    await server.close()
    await store.drop()
    if (serverOptions.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
  }
  return {
    ...server,
    dataDir,
    databaseUrl: serverOptions.databaseUrl ?? store.databaseUrl,
    op: api(serverOptions.operatorToken ?? OPERATOR_KEY),
    api,
    client: (key = serverOptions.operatorToken ?? OPERATOR_KEY) => new DockClient({ baseUrl: server.url, token: key }),
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

/** A new principal in `ws` (an agent by default; `extra` sets roles, skills, kind, budget …) and its key. */
export async function createAgent(
  server: { readonly op: Api; api(key: string): Api },
  name: string,
  extra: Record<string, unknown> = {},
  ws = 'default',
): Promise<Principal> {
  const res = await server.op('POST', `/v1/workspaces/${ws}/principals`, { name, kind: 'agent', ...extra })
  if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${JSON.stringify(res.body)}`)
  return { id: res.body.principal.id, key: res.body.key, api: server.api(res.body.key) }
}

export async function revisionOf(api: Api, ws = 'default'): Promise<number> {
  const res = await api('GET', `/v1/workspaces/${ws}`)
  return res.body.revision as number
}

/** The tasks table's columns after `title`: every column the suites write. */
export const TASK_COLUMNS: readonly Column[] = [
  { name: 'notes', type: 'text' },
  { name: 'area', type: 'text' },
  { name: 'count', type: 'integer', default: 0 },
  { name: 'points', type: 'integer' },
  { name: 'n', type: 'integer' },
]

export interface TasksTableOptions {
  readonly name?: string
  /** The columns after `title` (TASK_COLUMNS by default). */
  readonly columns?: readonly Column[]
  readonly leaseMs?: number
  readonly maxAttempts?: number
  /** Who may pass a row under review or send it back. */
  readonly reviewers?: readonly string[]
  /** The owner may move in_progress → done, skipping review. */
  readonly ownerMayFinish?: boolean
  /** A reviewer may send ready_for_review back to todo. */
  readonly sendBack?: boolean
  /** Appended after the standard transitions. */
  readonly moreTransitions?: readonly Transition[]
}

export interface TasksTable {
  name: string
  columns: Column[]
  workflow: {
    statuses: string[]
    initial: string
    done: string[]
    claim: ClaimRule
    transitions: Transition[]
  }
}

/**
 * The tasks table of docs/http-api.md: todo → in_progress (claimed) →
 * ready_for_review → done, a review gate with not:author, and `failed` as the dead
 * letter. Options vary the claim rule and the moves for suites that test those.
 */
export function tasksTable(options: TasksTableOptions = {}): TasksTable {
  const reviewers = [...(options.reviewers ?? ['reviewer'])]
  const transitions: Transition[] = [{ from: 'in_progress', to: 'ready_for_review', by: ['owner'] }]
  if (options.ownerMayFinish ?? true) transitions.push({ from: 'in_progress', to: 'done', by: ['owner'] })
  transitions.push({ from: 'ready_for_review', to: 'done', by: reviewers, require: ['not:author'] })
  if (options.sendBack ?? true)
    transitions.push({ from: 'ready_for_review', to: 'todo', by: reviewers, require: ['not:author'] })
  transitions.push(...(options.moreTransitions ?? []))
  return {
    name: options.name ?? 'tasks',
    columns: [{ name: 'title', type: 'text', required: true }, ...(options.columns ?? TASK_COLUMNS)],
    workflow: {
      statuses: ['todo', 'in_progress', 'ready_for_review', 'done', 'failed'],
      initial: 'todo',
      done: ['done'],
      claim: {
        from: ['todo'],
        to: 'in_progress',
        leaseMs: options.leaseMs ?? 60_000,
        maxAttempts: options.maxAttempts ?? 3,
        deadLetter: 'failed',
      },
      transitions,
    },
  }
}

/** The SDK's view of a test server: the operator as a DockClient, and principals with clients of their own. */
export interface DockFixture {
  readonly url: string
  readonly server: TestServer
  /** Operator of the `default` workspace. */
  readonly op: DockClient
  principal(name: string, roles?: Role[], skills?: string[]): Promise<{ id: string; key: string; client: DockClient }>
  close(): Promise<void>
}

export async function startFixture(options: TestServerOptions = {}): Promise<DockFixture> {
  const server = await startTestServer(options)
  return {
    url: server.url,
    server,
    op: server.client(),
    async principal(name, roles = ['member'], skills = []) {
      const created = await createAgent(server, name, { roles, skills })
      return { id: created.id, key: created.key, client: server.client(created.key) }
    },
    close: () => server.close(),
  }
}

/** Two nodes on one PostgreSQL schema; `suite` skips (saying why) without a test database. */
export interface TwoNodes {
  readonly a: DockServer
  readonly b: DockServer
  close(): Promise<void>
}

/** `describe` where a test database is set, `describe.skip` elsewhere; titles say which with `twoNodeTitle`. */
export const describeTwoNodes: typeof describe.skip = TEST_DATABASE_URL === '' ? describe.skip : describe

export function twoNodeTitle(title: string): string {
  return TEST_DATABASE_URL === '' ? `${title} (${SKIP_REASON})` : `${title} (PostgreSQL, two nodes)`
}

export async function startTwoNodes(label: string, options: Partial<StartDockServerOptions> = {}): Promise<TwoNodes> {
  const schemas = new TestSchemas(label)
  const dataDir = mkdtempSync(join(tmpdir(), `dock-${label}-`))
  const common = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    operatorToken: OPERATOR_KEY,
    webRoot: null,
    logger: false,
    databaseUrl: schemas.url(schemas.next()),
    ...options,
  }
  const a = await startDockServer(common)
  const b = await startDockServer(common).catch(async (err: unknown) => {
    await a.close()
    throw err
  })
  return {
    a,
    b,
    async close() {
      await a.close()
      await b.close()
      await schemas.dropAll()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
