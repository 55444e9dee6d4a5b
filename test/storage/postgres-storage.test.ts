import { afterAll, afterEach, describe, expect, it } from 'vitest'

import { DockError, isDockError } from '../../src/domain/errors.js'
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.js'
import { MIGRATIONS } from '../../src/storage/sql/migrations.js'
import type { PrincipalRecord, Storage, Tx, WorkspaceRecord } from '../../src/storage/storage.js'
import { adminQuery, SKIP_REASON, TEST_DATABASE_URL, TestSchemas } from '../helpers/postgres-test-db.js'
import { runStorageConformance } from './storage-conformance.case.js'

if (TEST_DATABASE_URL === '') {
  describe.skip(`PostgreSQL storage (${SKIP_REASON})`, () => {
    it('runs the storage conformance suite against PostgreSQL', () => undefined)
  })
} else {
  const schemas = new TestSchemas('conf')
  runStorageConformance({
    name: 'postgres',
    createStorage: async () => new PostgresStorage({ url: TEST_DATABASE_URL, schema: schemas.next(), poolSize: 6 }),
    cleanup: () => schemas.dropAll(),
  })

  describe('PostgreSQL storage: several instances on one database (what several nodes do)', () => {
    const own = new TestSchemas('peers')
    const open: Storage[] = []

    function instance(schema: string, extra: { applicationName?: string } = {}): PostgresStorage {
      const s = new PostgresStorage({ url: TEST_DATABASE_URL, schema, poolSize: 4, ...extra })
      open.push(s)
      return s
    }

    afterEach(async () => {
      for (const s of open.splice(0)) await s.close()
    })
    afterAll(() => own.dropAll())

    it('init() from several instances at once migrates once, and a second init is a no-op', async () => {
      const schema = own.next()
      const nodes = [instance(schema), instance(schema), instance(schema)]
      await Promise.all(nodes.map((n) => n.init()))
      await nodes[0]!.init()
      const applied = await adminQuery<{ version: number }>(`SELECT version FROM "${schema}".dock_migrations`)
      expect(applied.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.id))
    })

    it('the schema can come from the URL (?schema=…)', async () => {
      const schema = own.next()
      const s = new PostgresStorage({ url: own.url(schema) })
      open.push(s)
      await s.init()
      expect(s.schema).toBe(schema)
      await s.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      const rows = await adminQuery<{ name: string }>(`SELECT name FROM "${schema}".workspaces`)
      expect(rows).toEqual([{ name: 'one' }])
    })

    it('writes from two instances to one workspace serialise: 40 read-increment-write transactions lose nothing', async () => {
      const schema = own.next()
      const [a, b] = [instance(schema), instance(schema)]
      await Promise.all([a.init(), b.init()])
      await a.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? a : b).write('w1', async (tx) => {
            const current = (await tx.getWorkspace('w1'))!
            await new Promise((resolve) => setTimeout(resolve, i % 3))
            await tx.updateWorkspace({ ...current, revision: current.revision + 1 })
            await tx.nextRowSeq('w1')
          }),
        ),
      )
      const after = await b.read((tx) => tx.getWorkspace('w1'))
      expect(after?.revision).toBe(40)
      expect(await a.write('w1', (tx) => tx.nextRowSeq('w1'))).toBe(41)
    })

    it('with several writers per workspace let into PostgreSQL at once, the row lock alone still serialises them', async () => {
      const s = new PostgresStorage({ url: TEST_DATABASE_URL, schema: own.next(), poolSize: 8, writersPerWorkspace: 4 })
      open.push(s)
      await s.init()
      await s.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          s.write('w1', async (tx) => {
            const current = (await tx.getWorkspace('w1'))!
            await new Promise((resolve) => setTimeout(resolve, i % 3))
            await tx.updateWorkspace({ ...current, revision: current.revision + 1 })
          }),
        ),
      )
      expect((await s.read((tx) => tx.getWorkspace('w1')))?.revision).toBe(30)
    })

    it('a burst of writes to one workspace commits in bounded batches: one commit hint per batch, revisions contiguous', async () => {
      const s = instance(own.next())
      await s.init()
      await s.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      const heard = new Set<number>()
      s.onCommit((w, r) => {
        if (w === 'w1') heard.add(r)
      })
      const seen = await Promise.all(
        Array.from({ length: 150 }, () =>
          s.write('w1', async (tx) => {
            const current = (await tx.getWorkspace('w1'))!
            await tx.updateWorkspace({ ...current, revision: current.revision + 1 })
            return current.revision + 1
          }),
        ),
      )
      expect(seen).toEqual(Array.from({ length: 150 }, (_, i) => i + 1))
      await waitFor(() => heard.has(150))
      // All 150 were queued before the first batch took one: they share a handful of commits,
      // none larger than the bound (64).
      const hints = [...heard].sort((a, b) => a - b)
      expect(hints.length).toBeGreaterThanOrEqual(3)
      expect(hints.length).toBeLessThan(10)
      hints.forEach((r, i) => expect(r - (hints[i - 1] ?? 0)).toBeLessThanOrEqual(64))
    })

    it('a batch whose connection dies refuses every write it ran, commits none of them, and the writes still queued run on', async () => {
      const schema = own.next()
      const appName = `dock-test-batch-kill-${schema}`
      const s = instance(schema, { applicationName: appName })
      await s.init()
      await s.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      const bump = async (tx: Tx): Promise<number> => {
        const current = (await tx.getWorkspace('w1'))!
        await tx.updateWorkspace({ ...current, revision: current.revision + 1 })
        return current.revision + 1
      }
      const [first, killer, rest] = await Promise.allSettled([
        s.write('w1', bump),
        s.write('w1', async (tx) => {
          await bump(tx)
          await adminQuery(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'",
            [appName],
          )
          return tx.nextRowSeq('w1')
        }),
        // Queued behind the other two in the same burst: the batch breaks before it takes this
        // one, which then runs in the next batch, on a fresh connection.
        s.write('w1', bump),
      ])
      expect(first.status).toBe('rejected')
      expect(killer.status).toBe('rejected')
      expect(rest).toEqual({ status: 'fulfilled', value: 1 })
      expect((await s.read((tx) => tx.getWorkspace('w1')))?.revision).toBe(1)
    })

    it('a refusal decided inside a batch waits for its COMMIT: when the COMMIT fails, it is unavailable, not the 409 it described', async () => {
      const schema = own.next()
      const s = instance(schema)
      await s.init()
      await s.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      // A deferred constraint trigger fails the COMMIT itself, after every write of the batch ran.
      await adminQuery(
        `CREATE FUNCTION "${schema}".refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.name = 'commit-breaker' THEN RAISE EXCEPTION 'commit refused'; END IF; RETURN NULL; END $$`,
      )
      await adminQuery(
        `CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON "${schema}".principals
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_commit()`,
      )
      const batch = (breaker: string): Promise<PromiseSettledResult<unknown>[]> =>
        Promise.allSettled([
          s.write('w1', async (tx) => {
            const current = (await tx.getWorkspace('w1'))!
            await tx.insertPrincipal(principalRecord('w1', `p-${breaker}`, breaker))
            await tx.updateWorkspace({ ...current, revision: current.revision + 1 })
          }),
          // Queued in the same tick: it runs in the same batch and refuses with the state the
          // first write left, which exists only if that batch commits.
          s.write('w1', async (tx) => {
            const current = (await tx.getWorkspace('w1'))!
            throw new DockError('version_conflict', 'stale', { details: { current } })
          }),
        ])
      const [broken, refusal] = await batch('commit-breaker')
      expect(broken?.status).toBe('rejected')
      expect(refusal).toMatchObject({ status: 'rejected', reason: { name: 'DockError', code: 'unavailable' } })
      expect((await s.read((tx) => tx.getWorkspace('w1')))?.revision).toBe(0)
      // The same batch committing: the refusal arrives as itself, describing committed state.
      const [ok, conflict] = await batch('fine')
      expect(ok?.status).toBe('fulfilled')
      expect(conflict).toMatchObject({
        status: 'rejected',
        reason: { code: 'version_conflict', details: { current: { revision: 1 } } },
      })
      expect((await s.read((tx) => tx.getWorkspace('w1')))?.revision).toBe(1)
    })

    it('a commit on one instance reaches the onCommit listeners of another through NOTIFY', async () => {
      const schema = own.next()
      const [a, b] = [instance(schema), instance(schema)]
      await Promise.all([a.init(), b.init()])
      const heard: string[] = []
      b.onCommit((w, r) => heard.push(`${w}:${r}`))
      await a.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      for (let r = 1; r <= 5; r++) {
        await a.write('w1', async (tx) => tx.updateWorkspace({ ...(await tx.getWorkspace('w1'))!, revision: r }))
      }
      await waitFor(() => heard.includes('w1:5'))
      expect(heard).toEqual(['w1:1', 'w1:2', 'w1:3', 'w1:4', 'w1:5'])
    })

    it('NOTIFY is database-wide, but a node hears only commits of its own schema', async () => {
      const [a, b] = [instance(own.next()), instance(own.next())]
      await Promise.all([a.init(), b.init()])
      const heardByB: string[] = []
      b.onCommit((w, r) => heardByB.push(`${w}:${r}`))
      await a.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      await b.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      await a.write('w1', async (tx) => tx.updateWorkspace({ ...(await tx.getWorkspace('w1'))!, revision: 7 }))
      await b.write('w1', async (tx) => tx.updateWorkspace({ ...(await tx.getWorkspace('w1'))!, revision: 1 }))
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(heardByB.every((h) => h === 'w1:1')).toBe(true)
      expect(heardByB.length).toBeGreaterThan(0)
    })

    it('the LISTEN connection comes back after the server drops it, and hints every workspace head on return', async () => {
      const schema = own.next()
      const appName = `dock-test-${schema}`
      const a = instance(schema)
      const b = instance(schema, { applicationName: appName })
      await Promise.all([a.init(), b.init()])
      await a.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      const heard: string[] = []
      b.onCommit((w, r) => heard.push(`${w}:${r}`))
      expect(b.listening).toBe(true)
      const killed = await adminQuery<{ ok: boolean }>(
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
        [appName],
      )
      expect(killed).toEqual([{ ok: true }])
      // Written while b is deaf: b must still hear of it once it is back.
      await a.write('w1', async (tx) => tx.updateWorkspace({ ...(await tx.getWorkspace('w1'))!, revision: 1 }))
      await waitFor(() => b.listening && heard.includes('w1:1'), 10_000)
      await a.write('w1', async (tx) => tx.updateWorkspace({ ...(await tx.getWorkspace('w1'))!, revision: 2 }))
      await waitFor(() => heard.includes('w1:2'))
    })

    it('two instances creating one workspace name at once: one wins, the other gets already_exists', async () => {
      const schema = own.next()
      const [a, b] = [instance(schema), instance(schema)]
      await Promise.all([a.init(), b.init()])
      const create = (s: PostgresStorage, id: string): Promise<void> =>
        s.write(null, async (tx) => {
          await tx.insertWorkspace(ws(id, 'same'))
          // Hold the insert open so the other one has to wait on the unique index.
          await new Promise((resolve) => setTimeout(resolve, 100))
        })
      const results = await Promise.allSettled([create(a, 'wa'), create(b, 'wb')])
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      expect(refused).toHaveLength(1)
      expect(isDockError(refused[0]!.reason) && refused[0]!.reason.code).toBe('already_exists')
    })

    it('text PostgreSQL cannot store (NUL) is refused as invalid_input, not a crash', async () => {
      const s = instance(own.next())
      await s.init()
      const err = await s.write(null, (tx) => tx.insertWorkspace(ws('w1', 'bad\u0000name'))).catch((e: unknown) => e)
      expect(isDockError(err) && err.code).toBe('invalid_input')
      expect(await s.read((tx) => tx.listWorkspaces())).toEqual([])
    })

    it('a write whose connection dies is rolled back and the pool recovers', async () => {
      const schema = own.next()
      const appName = `dock-test-kill-${schema}`
      const s = instance(schema, { applicationName: appName })
      await s.init()
      await s.write(null, (tx) => tx.insertWorkspace(ws('w1', 'one')))
      const attempt = s.write('w1', async (tx) => {
        await tx.updateWorkspace({ ...(await tx.getWorkspace('w1'))!, revision: 5 })
        await adminQuery(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'",
          [appName],
        )
        await tx.nextRowSeq('w1')
      })
      // A lost transaction is a retryable refusal (503 unavailable at the edge), never an internal error.
      await expect(attempt).rejects.toMatchObject({ name: 'DockError', code: 'unavailable' })
      expect((await s.read((tx) => tx.getWorkspace('w1')))?.revision).toBe(0)
      await s.write('w1', async (tx) => tx.updateWorkspace({ ...(await tx.getWorkspace('w1'))!, revision: 1 }))
      expect((await s.read((tx) => tx.getWorkspace('w1')))?.revision).toBe(1)
    })
  })
}

function ws(id: string, name: string): WorkspaceRecord {
  return { id, name, revision: 0, headHash: '0'.repeat(64), frozen: false, createdAt: new Date().toISOString() }
}

function principalRecord(workspaceId: string, id: string, name: string): PrincipalRecord {
  return {
    id,
    workspaceId,
    name,
    kind: 'agent',
    roles: ['member'],
    skills: [],
    status: 'active',
    budget: { writesPerMinute: null },
    publicKey: null,
    createdAt: new Date().toISOString(),
    createdBy: null,
    keyHash: `key-${id}`,
  }
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
