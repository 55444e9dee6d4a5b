import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CreateTableInput } from '../../src/client/index.js'
import { DockClient } from '../../src/client/index.js'
import { startDockServer } from '../../src/http/serve.js'
import { openTestStore } from '../helpers/test-stores.js'

export const OPERATOR_TOKEN = 'op-secret'

export interface DockFixture {
  readonly url: string
  /** Operator of the `default` workspace. */
  readonly op: DockClient
  /** A new agent (or other principal) in `default`, with its own key. */
  principal(
    name: string,
    roles?: ('member' | 'reviewer' | 'operator')[],
    skills?: string[],
  ): Promise<{ id: string; key: string; client: DockClient }>
  close(): Promise<void>
}

/** A real Dock server on an ephemeral port with a fresh data dir. */
export async function startFixture(): Promise<DockFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dock-client-test-'))
  const store = openTestStore('client')
  const srv = await startDockServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    operatorToken: OPERATOR_TOKEN,
    ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
  })
  const op = new DockClient({ baseUrl: srv.url, token: OPERATOR_TOKEN })
  return {
    url: srv.url,
    op,
    async principal(name, roles = ['member'], skills = []) {
      const created = await op.createPrincipal({ name, kind: 'agent', roles, skills })
      return {
        id: created.principal.id,
        key: created.key,
        client: new DockClient({ baseUrl: srv.url, token: created.key }),
      }
    },
    async close() {
      await srv.close()
      await store.drop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** The workflow of docs/http-api.md: claim todo → in_progress, review gate with not:author. */
export function tasksTable(name = 'tasks'): CreateTableInput {
  return {
    name,
    columns: [
      { name: 'title', type: 'text', required: true },
      { name: 'notes', type: 'text' },
      { name: 'points', type: 'integer' },
    ],
    workflow: {
      statuses: ['todo', 'in_progress', 'ready_for_review', 'done', 'failed'],
      initial: 'todo',
      done: ['done'],
      claim: { from: ['todo'], to: 'in_progress', leaseMs: 60_000, maxAttempts: 3, deadLetter: 'failed' },
      transitions: [
        { from: 'in_progress', to: 'ready_for_review', by: ['owner'] },
        { from: 'ready_for_review', to: 'done', by: ['reviewer'], require: ['not:author'] },
        { from: 'ready_for_review', to: 'todo', by: ['reviewer'], require: ['not:author'] },
      ],
    },
  }
}
