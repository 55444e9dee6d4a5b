/**
 * The adversarial findings of the "Permissions and hardening" issue, each as the
 * attack that found it, run against the service on both backends (PostgreSQL when
 * DOCK_TEST_DATABASE_URL is set) with a clock the test moves, so leases expire
 * without sleeping.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'

import { isDockError } from '../../src/domain/errors.js'
import type { Row } from '../../src/domain/types.js'
import { type Caller, DockService } from '../../src/service/dock-service.js'
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import type { Storage } from '../../src/storage/storage.js'
import { adminQuery, TEST_DATABASE_URL, TestSchemas } from '../helpers/postgres-test-db.js'

const OP_KEY = 'adversary-operator'

const TASKS = {
  name: 'tasks',
  columns: [
    { name: 'title', type: 'text' as const, required: true },
    { name: 'extra', type: 'json' as const },
  ],
  workflow: {
    statuses: ['todo', 'in_progress', 'ready_for_review', 'done', 'failed'],
    claim: { from: ['todo'], to: 'in_progress', leaseMs: 10_000, maxAttempts: 3, deadLetter: 'failed' },
    transitions: [
      { from: 'in_progress', to: 'ready_for_review', by: ['owner'] },
      { from: 'ready_for_review', to: 'done', by: ['reviewer'], require: ['not:author' as const] },
    ],
  },
}

interface Backend {
  readonly name: string
  create(): Promise<{
    storage: Storage
    tamperEvent: (workspaceId: string, revision: number, edit: (data: string) => string) => Promise<void>
  }>
}

const dirs: string[] = []
const schemas = new TestSchemas('adversarial')

const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    async create() {
      const dataDir = mkdtempSync(join(tmpdir(), 'dock-adversarial-'))
      dirs.push(dataDir)
      return {
        storage: new SqliteStorage({ dataDir }),
        async tamperEvent(workspaceId, revision, edit) {
          const db = new Database(join(dataDir, 'dock.db'))
          try {
            const row = db
              .prepare('SELECT data FROM events WHERE workspace_id = ? AND revision = ?')
              .get(workspaceId, revision) as { data: string }
            db.prepare('UPDATE events SET data = ? WHERE workspace_id = ? AND revision = ?').run(
              edit(row.data),
              workspaceId,
              revision,
            )
          } finally {
            db.close()
          }
        },
      }
    },
  },
  ...(TEST_DATABASE_URL === ''
    ? []
    : [
        {
          name: 'postgres',
          async create() {
            const schema = schemas.next()
            return {
              storage: new PostgresStorage({ url: TEST_DATABASE_URL, schema, poolSize: 4 }),
              async tamperEvent(workspaceId: string, revision: number, edit: (data: string) => string) {
                const [row] = await adminQuery<{ data: string }>(
                  `SELECT data FROM "${schema}".events WHERE workspace_id = $1 AND revision = $2`,
                  [workspaceId, revision],
                )
                await adminQuery(`UPDATE "${schema}".events SET data = $3 WHERE workspace_id = $1 AND revision = $2`, [
                  workspaceId,
                  revision,
                  edit(row!.data),
                ])
              },
            }
          },
        },
      ]),
]

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  await schemas.dropAll()
})

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (isDockError(err)) return err.code
    throw err
  }
  throw new Error('expected a refusal')
}

for (const backend of BACKENDS) {
  describe(`adversarial service (${backend.name})`, () => {
    async function open(options: { maxWorkspacesPerOperator?: number } = {}) {
      const { storage, tamperEvent } = await backend.create()
      await storage.init()
      let now = Date.parse('2026-01-01T00:00:00Z')
      const service = new DockService({ storage, now: () => now, ...options })
      afterAll(() => service.close())
      await service.identity.bootstrap(OP_KEY)
      const op: Caller = { principal: await service.identity.authenticate(OP_KEY) }
      const principal = async (
        name: string,
        roles: ('member' | 'reviewer' | 'operator')[],
        as: Caller = op,
        ws = 'default',
      ): Promise<Caller> => {
        const { key } = await service.identity.createPrincipal(as, ws, { name, roles })
        return { principal: await service.identity.authenticate(key) }
      }
      // The store itself, for tests that read the log or break a record behind the service's back.
      return { service, storage, op, principal, tamperEvent, advance: (ms: number) => (now += ms) }
    }

    it('a table republished without a claim rule does not stop lease expiry: its row loses its owner, every other lease still ends', async () => {
      const { service, storage, op, principal, advance } = await open()
      const agent = await principal('agent', ['member'])
      for (const t of ['poisoned', 'healthy']) await service.tables.createTable(op, 'default', { ...TASKS, name: t })
      // A second workspace, with its own operator and a claimed row.
      const other = await service.identity.createWorkspace(op, 'other')
      const otherOp: Caller = { principal: await service.identity.authenticate(other.operator.key) }
      await service.tables.createTable(otherOp, 'other', TASKS)
      const claimed: Record<string, Row> = {}
      for (const [caller, ws, table] of [
        [agent, 'default', 'poisoned'],
        [agent, 'default', 'healthy'],
        [otherOp, 'other', 'tasks'],
      ] as const) {
        const row = await service.rows.createRow(caller, ws, table, { values: { title: `${ws}/${table}` } })
        claimed[`${ws}/${table}`] = (await service.rows.claim(caller, ws, table, row.id)).row
      }
      // The attack: republish the claimed row's table without a claim rule.
      await service.tables.publishSchema(op, 'default', 'poisoned', {
        columns: TASKS.columns,
        workflow: { ...TASKS.workflow, claim: null },
      })

      advance(10_001)
      const pass = await service.rows.sweepAllLeases()
      expect(pass.failures).toEqual([])
      expect(pass).toMatchObject({ workspaces: 2, expired: 3 })

      const poisoned = await service.rows.getRow(op, 'default', 'poisoned', claimed['default/poisoned']!.id)
      // No claim rule: the owner goes, the row returns to the status it was claimed from (still in the workflow).
      expect(poisoned).toMatchObject({
        owner: null,
        leaseExpiresAt: null,
        status: 'todo',
        lapsedClaimant: agent.principal.id,
      })
      expect((await service.rows.getRow(op, 'default', 'healthy', claimed['default/healthy']!.id)).owner).toBeNull()
      expect((await service.rows.getRow(otherOp, 'other', 'tasks', claimed['other/tasks']!.id)).owner).toBeNull()
      const wsId = (await service.identity.getWorkspace(op, 'default')).id
      const log = await storage.read((tx) => tx.listEvents(wsId, 0, 1000))
      const expired = log.filter((e) => e.type === 'row.lease_expired')
      expect(expired.map((e) => e.target.table).sort()).toEqual(['healthy', 'poisoned'])
      expect(expired.find((e) => e.target.table === 'poisoned')!.after).toMatchObject({
        claimRuleMissing: true,
        deadLettered: false,
      })
      expect((await service.events.verifyAudit(op, 'default')).ok).toBe(true)
      // Nothing is left due: the next pass visits no workspace.
      expect(await service.rows.sweepAllLeases()).toEqual({ workspaces: 0, expired: 0, failures: [], deferred: 0 })
    })

    it('suspending a principal releases its claim on a table republished without a claim rule', async () => {
      const { service, op, principal } = await open()
      const agent = await principal('agent', ['member'])
      await service.tables.createTable(op, 'default', TASKS)
      const row = await service.rows.createRow(agent, 'default', 'tasks', { values: { title: 'held' } })
      await service.rows.claim(agent, 'default', 'tasks', row.id)
      await service.tables.publishSchema(op, 'default', 'tasks', {
        columns: TASKS.columns,
        workflow: { ...TASKS.workflow, claim: null },
      })
      await service.identity.suspend(op, 'default', 'agent')
      expect(await service.rows.getRow(op, 'default', 'tasks', row.id)).toMatchObject({ owner: null, status: 'todo' })
    })

    it('one lease that cannot be ended is reported and counted; the leases after it still end', async () => {
      const { service, storage, op, principal, advance } = await open()
      const agent = await principal('agent', ['member'])
      await service.tables.createTable(op, 'default', TASKS)
      const good = await service.rows.createRow(agent, 'default', 'tasks', { values: { title: 'good' } })
      const bad = await service.rows.createRow(agent, 'default', 'tasks', { values: { title: 'bad' } })
      await service.rows.claim(agent, 'default', 'tasks', bad.id, 1_000)
      await service.rows.claim(agent, 'default', 'tasks', good.id, 2_000)
      // Break the first-due row behind the service's back: it names a table that does not exist.
      const ws = (await service.identity.getWorkspace(op, 'default')).id
      await storage.write(ws, async (tx) => {
        const row = (await tx.getRow(ws, bad.id))!
        await tx.updateRow({ ...row, table: 'vanished' })
      })
      advance(5_000)
      const before = service.rows.sweepFailureCount
      const pass = await service.rows.sweepAllLeases()
      expect(pass.expired).toBe(1)
      expect(pass.failures.map((f) => [f.rowId, f.table])).toEqual([[bad.id, 'vanished']])
      expect(service.rows.sweepFailureCount).toBe(before + 1)
      expect((await service.rows.getRow(op, 'default', 'tasks', good.id)).owner).toBeNull()
      // The broken lease is retried with backoff, not on every pass (which would flood the log).
      expect(await service.rows.sweepAllLeases()).toMatchObject({ expired: 0, failures: [], deferred: 1 })
      advance(1_000)
      expect((await service.rows.sweepAllLeases()).failures).toHaveLength(1)
      advance(1_000)
      expect(await service.rows.sweepAllLeases()).toMatchObject({ failures: [], deferred: 1 })
      advance(1_000)
      expect((await service.rows.sweepAllLeases()).failures).toHaveLength(1)
      expect(service.rows.sweepFailureCount).toBe(before + 3)
    })

    it('idle workspaces cost the sweeper nothing: a pass visits only the workspaces with leases due', async () => {
      const { service, op, principal, advance } = await open()
      for (let i = 0; i < 20; i++) await service.identity.createWorkspace(op, `idle-${i}`)
      const agent = await principal('agent', ['member'])
      await service.tables.createTable(op, 'default', TASKS)
      const row = await service.rows.createRow(agent, 'default', 'tasks', { values: { title: 'only one' } })
      await service.rows.claim(agent, 'default', 'tasks', row.id)
      expect(await service.rows.sweepAllLeases()).toEqual({ workspaces: 0, expired: 0, failures: [], deferred: 0 })
      advance(10_001)
      expect(await service.rows.sweepAllLeases()).toEqual({ workspaces: 1, expired: 1, failures: [], deferred: 0 })
    })

    it('an operator may create only so many workspaces, its created operators included (quota_exceeded)', async () => {
      const { service, op } = await open({ maxWorkspacesPerOperator: 2 })
      await service.identity.createWorkspace(op, 'one')
      const two = await service.identity.createWorkspace(op, 'two')
      expect(await refusal(service.identity.createWorkspace(op, 'three'))).toBe('quota_exceeded')
      // The operator a workspace came with counts against its creator's quota: handing the
      // work to the new key, and from it to the next, does not reset the count.
      const twoOp: Caller = { principal: await service.identity.authenticate(two.operator.key) }
      expect(await refusal(service.identity.createWorkspace(twoOp, 'four'))).toBe('quota_exceeded')
      const third = await open({ maxWorkspacesPerOperator: 3 })
      const a = await third.service.identity.createWorkspace(third.op, 'a')
      const aOp: Caller = { principal: await third.service.identity.authenticate(a.operator.key) }
      const b = await third.service.identity.createWorkspace(aOp, 'b')
      const bOp: Caller = { principal: await third.service.identity.authenticate(b.operator.key) }
      await third.service.identity.createWorkspace(bOp, 'c')
      expect(await refusal(third.service.identity.createWorkspace(bOp, 'd'))).toBe('quota_exceeded')
      expect(await refusal(third.service.identity.createWorkspace(third.op, 'e'))).toBe('quota_exceeded')
      // The operator's public record does not show the bookkeeping.
      expect(Object.keys(b.operator.principal)).not.toContain('quotaRoot')
    })

    it('review gate: a member cannot publish a contract that lets it approve its own row', async () => {
      const { service, op, principal } = await open()
      const member = await principal('member', ['member'])
      await service.tables.createTable(op, 'default', TASKS)
      const row = await service.rows.createRow(member, 'default', 'tasks', { values: { title: 'mine' } })
      const { lease } = await service.rows.claim(member, 'default', 'tasks', row.id)
      const loosened = {
        ...TASKS.workflow,
        transitions: [...TASKS.workflow.transitions, { from: '*', to: 'done', by: ['any'] }],
      }
      expect(
        await refusal(
          service.tables.publishSchema(member, 'default', 'tasks', { columns: TASKS.columns, workflow: loosened }),
        ),
      ).toBe('forbidden')
      expect(
        await refusal(
          service.tables.createTable(member, 'default', { ...TASKS, name: 'own-rules', workflow: loosened }),
        ),
      ).toBe('forbidden')
      expect(
        await refusal(
          service.rows.transition(member, 'default', 'tasks', row.id, { to: 'done', fencingToken: lease.token }),
        ),
      ).toBe('transition_not_allowed')
      expect((await service.tables.getTable(op, 'default', 'tasks')).contractVersion).toBe(1)
      expect((await service.rows.getRow(op, 'default', 'tasks', row.id)).status).toBe('in_progress')
    })

    it('a reviewer-only principal takes only the transitions naming reviewers, and writes nothing else', async () => {
      const { service, op, principal } = await open()
      const member = await principal('member', ['member'])
      const reviewer = await principal('reviewer', ['reviewer'])
      await service.tables.createTable(op, 'default', {
        ...TASKS,
        workflow: {
          ...TASKS.workflow,
          transitions: [...TASKS.workflow.transitions, { from: 'todo', to: 'failed', by: ['any'] }],
        },
      })
      const row = await service.rows.createRow(member, 'default', 'tasks', { values: { title: 'x' } })
      expect(
        await refusal(service.rows.updateRow(reviewer, 'default', 'tasks', row.id, { values: { title: 'y' } })),
      ).toBe('forbidden')
      expect(await refusal(service.rows.claim(reviewer, 'default', 'tasks', row.id))).toBe('forbidden')
      // `any` admits workers, not a reviewer-only principal.
      expect(await refusal(service.rows.transition(reviewer, 'default', 'tasks', row.id, { to: 'failed' }))).toBe(
        'transition_not_allowed',
      )
      const { lease } = await service.rows.claim(member, 'default', 'tasks', row.id)
      await service.rows.transition(member, 'default', 'tasks', row.id, {
        to: 'ready_for_review',
        fencingToken: lease.token,
      })
      // The review itself, but not with values written alongside.
      expect(
        await refusal(
          service.rows.transition(reviewer, 'default', 'tasks', row.id, { to: 'done', values: { title: 'approved' } }),
        ),
      ).toBe('forbidden')
      expect((await service.rows.transition(reviewer, 'default', 'tasks', row.id, { to: 'done' })).status).toBe('done')
      const doc = await service.docs.createDoc(member, 'default', { title: 'plan', content: '## a\n\nbody' })
      expect(await refusal(service.docs.writeSection(reviewer, 'default', doc.id, 'a', { body: 'no' }))).toBe(
        'forbidden',
      )
      expect(
        await refusal(
          service.docs.replaceDoc(reviewer, 'default', doc.id, { content: '## a\n\nno', expectedVersion: doc.version }),
        ),
      ).toBe('forbidden')
      expect(await refusal(service.docs.lockDoc(reviewer, 'default', doc.id))).toBe('forbidden')
    })

    it('__proto__ keys are refused on write and the hash covers them on verify', async () => {
      const { service, storage, op, principal, tamperEvent } = await open()
      const member = await principal('member', ['member'])
      await service.tables.createTable(op, 'default', TASKS)
      const row = await service.rows.createRow(member, 'default', 'tasks', {
        values: { title: 'x', extra: { keep: 1 } },
      })
      const before = await service.identity.getWorkspace(op, 'default')
      const proto = (inner: unknown): Record<string, unknown> =>
        JSON.parse(`{"__proto__":${JSON.stringify(inner)}}`) as Record<string, unknown>
      expect(
        await refusal(
          service.rows.updateRow(member, 'default', 'tasks', row.id, { values: proto({ title: 'smuggled' }) }),
        ),
      ).toBe('invalid_input')
      expect(
        await refusal(
          service.rows.updateRow(member, 'default', 'tasks', row.id, { values: { extra: proto({ a: 1 }) } }),
        ),
      ).toBe('invalid_input')
      expect(
        await refusal(
          service.rows.createRow(member, 'default', 'tasks', { values: { title: 'y', ...proto({ a: 1 }) } }),
        ),
      ).toBe('invalid_input')
      expect(
        await refusal(
          service.rows.createRow(member, 'default', 'tasks', { values: { title: 'y', extra: [proto({ a: 1 })] } }),
        ),
      ).toBe('invalid_input')
      const after = await service.identity.getWorkspace(op, 'default')
      expect(after.revision).toBe(before.revision)
      expect((await service.rows.getRow(op, 'default', 'tasks', row.id)).version).toBe(row.version)

      // Verify side: content smuggled under a __proto__ key into a stored event breaks the chain.
      expect((await service.events.verifyAudit(op, 'default')).ok).toBe(true)
      const log = await storage.read((tx) => tx.listEvents(after.id, 0, 1000))
      const created = log.find((e) => e.type === 'row.created' && e.target.id === row.id)!
      await tamperEvent(after.id, created.revision, (data) => {
        const forged = data.replace('"keep":1', '"keep":1,"__proto__":{"approvedBy":"nobody"}')
        expect(forged).not.toBe(data)
        return forged
      })
      const report = await service.events.verifyAudit(op, 'default')
      expect(report.ok).toBe(false)
      expect(report.firstBreak?.revision).toBe(created.revision)
    })
  })
}
