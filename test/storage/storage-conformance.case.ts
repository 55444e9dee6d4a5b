/**
 * One conformance suite for every Storage adapter. Run it from a `*.test.ts`
 * file per backend (sqlite-storage.test.ts, postgres-storage.test.ts); this
 * file is `*.case.ts` so vitest does not collect it on its own.
 *
 * The first half drives the Storage port directly; the second half drives
 * DockService on top of it, where the promises (one owner, one log) must hold.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'

import { isDockError } from '../../src/domain/errors.js'
import type { Doc, DockEvent, Row, Table } from '../../src/domain/types.js'
import { DockService, type Caller } from '../../src/service/dock-service.js'
import type {
  EventQueryFilter,
  PrincipalRecord,
  RowQuery,
  Storage,
  Tx,
  WorkspaceRecord,
} from '../../src/storage/storage.js'

export interface StorageConformanceOptions {
  /** Shown in the suite's title. */
  readonly name: string
  /** A new, empty store each call (the suite calls `init()` and `close()`). */
  readonly createStorage: () => Promise<Storage>
  /** Runs once after the suite, e.g. to drop databases or directories the stores used. */
  readonly cleanup?: () => Promise<void>
}

const T0 = Date.parse('2030-01-01T00:00:00.000Z')
const iso = (ms: number): string => new Date(ms).toISOString()
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function runStorageConformance(options: StorageConformanceOptions): void {
  describe(`Storage conformance: ${options.name}`, () => {
    const closers: (() => Promise<void>)[] = []

    async function fresh(): Promise<Storage> {
      const storage = await options.createStorage()
      closers.push(() => storage.close())
      await storage.init()
      await storage.init() // idempotent
      return storage
    }

    /** A store with workspaces `w1` (named one) and `w2` (named two). */
    async function seeded(): Promise<Storage> {
      const storage = await fresh()
      await storage.write(null, async (tx) => {
        await tx.insertWorkspace(workspace('w1', 'one'))
        await tx.insertWorkspace(workspace('w2', 'two', { createdAt: iso(T0 + 1) }))
      })
      return storage
    }

    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close().catch(() => undefined)
    })
    afterAll(async () => {
      await options.cleanup?.()
    })

    // ------------------------------------------------------------ the port, record by record

    it('starts empty and init() is idempotent', async () => {
      const storage = await fresh()
      expect(await storage.read((tx) => tx.listWorkspaces())).toEqual([])
      expect(['sqlite', 'postgres']).toContain(storage.kind)
    })

    it('workspaces: insert, get by id and by name, list, update', async () => {
      const storage = await seeded()
      const one = workspace('w1', 'one')
      expect(await storage.read((tx) => tx.getWorkspace('w1'))).toEqual(one)
      expect(await storage.read((tx) => tx.getWorkspace('one'))).toEqual(one)
      expect(await storage.read((tx) => tx.getWorkspace('nope'))).toBeNull()
      expect((await storage.read((tx) => tx.listWorkspaces())).map((w) => w.id)).toEqual(['w1', 'w2'])

      const moved: WorkspaceRecord = { ...one, revision: 7, headHash: 'h'.repeat(64), frozen: true }
      await storage.write('w1', (tx) => tx.updateWorkspace(moved))
      expect(await storage.read((tx) => tx.getWorkspace('one'))).toEqual(moved)
      expect(await storage.read((tx) => tx.getWorkspace('w2'))).toEqual(
        workspace('w2', 'two', { createdAt: iso(T0 + 1) }),
      )
    })

    it('workspaces: a taken name is refused and leaves no trace', async () => {
      const storage = await seeded()
      await expect(storage.write(null, (tx) => tx.insertWorkspace(workspace('w3', 'one')))).rejects.toThrow()
      expect(await storage.read((tx) => tx.getWorkspace('w3'))).toBeNull()
      expect(await storage.read((tx) => tx.listWorkspaces())).toHaveLength(2)
    })

    it('principals: by id, by name, by key hash across workspaces, list, update', async () => {
      const storage = await seeded()
      const alice = principal('w1', 'p1', 'alice', 'k1')
      const bob = principal('w1', 'p2', 'bob', 'k2', { createdAt: iso(T0 + 5) })
      const carol = principal('w2', 'p3', 'carol', 'k3')
      await storage.write('w1', async (tx) => {
        await tx.insertPrincipal(bob)
        await tx.insertPrincipal(alice)
      })
      await storage.write('w2', (tx) => tx.insertPrincipal(carol))

      await storage.read(async (tx) => {
        expect(await tx.getPrincipal('w1', 'p1')).toEqual(alice)
        expect(await tx.getPrincipal('w2', 'p1')).toBeNull()
        expect(await tx.getPrincipalByName('w1', 'bob')).toEqual(bob)
        expect(await tx.getPrincipalByName('w2', 'bob')).toBeNull()
        expect(await tx.getPrincipalByKeyHash('k3')).toEqual(carol)
        expect(await tx.getPrincipalByKeyHash('k1')).toEqual(alice)
        expect(await tx.getPrincipalByKeyHash('nope')).toBeNull()
        expect((await tx.listPrincipals('w1')).map((p) => p.id)).toEqual(['p1', 'p2'])
      })

      const renamed: PrincipalRecord = {
        ...alice,
        name: 'alicia',
        keyHash: 'k9',
        status: 'suspended',
        roles: ['operator'],
      }
      await storage.write('w1', (tx) => tx.updatePrincipal(renamed))
      await storage.read(async (tx) => {
        expect(await tx.getPrincipalByName('w1', 'alicia')).toEqual(renamed)
        expect(await tx.getPrincipalByName('w1', 'alice')).toBeNull()
        expect(await tx.getPrincipalByKeyHash('k9')).toEqual(renamed)
        expect(await tx.getPrincipalByKeyHash('k1')).toBeNull()
      })
    })

    it('tables: insert, get, list by name, update', async () => {
      const storage = await seeded()
      await storage.write('w1', async (tx) => {
        await tx.insertTable(table('w1', 'tasks'))
        await tx.insertTable(table('w1', 'bugs'))
      })
      await storage.write('w2', (tx) => tx.insertTable(table('w2', 'tasks', { id: 't_other' })))
      expect(await storage.read((tx) => tx.getTable('w1', 'tasks'))).toEqual(table('w1', 'tasks'))
      expect(await storage.read((tx) => tx.getTable('w1', 'nope'))).toBeNull()
      expect((await storage.read((tx) => tx.listTables('w1'))).map((t) => t.name)).toEqual(['bugs', 'tasks'])
      const next: Table = {
        ...table('w1', 'tasks'),
        contractVersion: 2,
        columns: [{ name: 'title', type: 'text', required: true }],
      }
      await storage.write('w1', (tx) => tx.updateTable(next))
      expect(await storage.read((tx) => tx.getTable('w1', 'tasks'))).toEqual(next)
      expect((await storage.read((tx) => tx.getTable('w2', 'tasks')))?.id).toBe('t_other')
    })

    it('rows: insert, get, getRows in the order asked, update of indexed fields', async () => {
      const storage = await seeded()
      const rows = [row('w1', 'tasks', 'r1', 1), row('w1', 'tasks', 'r2', 2), row('w1', 'tasks', 'r3', 3)]
      await storage.write('w1', async (tx) => {
        for (const r of rows) await tx.insertRow(r)
      })
      await storage.read(async (tx) => {
        expect(await tx.getRow('w1', 'r2')).toEqual(rows[1])
        expect(await tx.getRow('w2', 'r2')).toBeNull()
        expect((await tx.getRows('w1', ['r3', 'missing', 'r1'])).map((r) => r.id)).toEqual(['r3', 'r1'])
        expect(await tx.getRows('w1', [])).toEqual([])
      })
      const claimed: Row = {
        ...rows[0]!,
        status: 'doing',
        owner: 'p1',
        leaseExpiresAt: iso(T0 + 60_000),
        version: 2,
        fencingToken: 5,
      }
      await storage.write('w1', (tx) => tx.updateRow(claimed))
      expect(await storage.read((tx) => tx.getRow('w1', 'r1'))).toEqual(claimed)
      const doing = await storage.read((tx) =>
        tx.queryRows({ workspaceId: 'w1', table: 'tasks', statuses: ['doing'], order: 'seq', limit: 10 }),
      )
      expect(doing.map((r) => r.id)).toEqual(['r1'])
      const byOwner = await storage.read((tx) =>
        tx.queryRows({ workspaceId: 'w1', table: 'tasks', owner: 'p1', order: 'seq', limit: 10 }),
      )
      expect(byOwner.map((r) => r.id)).toEqual(['r1'])
    })

    it('queryRows in seq order: afterSeq cursor, statuses filter, table and workspace isolation', async () => {
      const storage = await seeded()
      await storage.write('w1', async (tx) => {
        // Inserted out of order: the store must sort by seq, not by insertion.
        for (const seq of [5, 1, 4, 2, 3, 6])
          await tx.insertRow(row('w1', 'tasks', `r${seq}`, seq, { status: seq % 2 === 0 ? 'done' : 'todo' }))
        await tx.insertRow(row('w1', 'other', 'x1', 7))
      })
      await storage.write('w2', (tx) => tx.insertRow(row('w2', 'tasks', 'y1', 1)))
      const q = (extra: Partial<RowQuery>): Promise<string[]> =>
        storage.read(async (tx) =>
          (await tx.queryRows({ workspaceId: 'w1', table: 'tasks', order: 'seq', limit: 100, ...extra })).map(
            (r) => r.id,
          ),
        )

      expect(await q({})).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6'])
      expect(await q({ limit: 2 })).toEqual(['r1', 'r2'])
      expect(await q({ afterSeq: 2, limit: 2 })).toEqual(['r3', 'r4'])
      expect(await q({ afterSeq: 6 })).toEqual([])
      expect(await q({ statuses: ['todo'] })).toEqual(['r1', 'r3', 'r5'])
      expect(await q({ statuses: ['todo', 'done'], afterSeq: 4 })).toEqual(['r5', 'r6'])
      expect(await q({ statuses: [] })).toEqual([])
      expect(await q({ statuses: ['nope'] })).toEqual([])
    })

    it('queryRows in claim order: priority descending then seq, afterKey cursor pages without gaps or repeats', async () => {
      const storage = await seeded()
      const priorities = [0, 5, -1, 5, 0.5, 0, 10, -1, 0.5, 5, 0, 2.25]
      await storage.write('w1', async (tx) => {
        for (const [i, priority] of priorities.entries())
          await tx.insertRow(row('w1', 'tasks', `r${i + 1}`, i + 1, { priority }))
      })
      const expected = priorities
        .map((priority, i) => ({ id: `r${i + 1}`, priority, seq: i + 1 }))
        .sort((a, b) => b.priority - a.priority || a.seq - b.seq)
        .map((r) => r.id)
      const all = await storage.read((tx) =>
        tx.queryRows({ workspaceId: 'w1', table: 'tasks', order: 'claim', limit: 100 }),
      )
      expect(all.map((r) => r.id)).toEqual(expected)

      for (const pageSize of [1, 3, 5]) {
        const seen: string[] = []
        let afterKey: { priority: number; seq: number } | undefined
        for (;;) {
          const page = await storage.read((tx) =>
            tx.queryRows({
              workspaceId: 'w1',
              table: 'tasks',
              order: 'claim',
              limit: pageSize,
              ...(afterKey ? { afterKey } : {}),
            }),
          )
          seen.push(...page.map((r) => r.id))
          const last = page[page.length - 1]
          if (page.length < pageSize || last === undefined) break
          afterKey = { priority: last.priority, seq: last.seq }
        }
        expect(seen).toEqual(expected)
      }
    })

    it('queryRows unownedAt: unowned rows and rows whose lease ran out, not live claims', async () => {
      const storage = await seeded()
      const now = T0 + 100_000
      await storage.write('w1', async (tx) => {
        await tx.insertRow(row('w1', 'tasks', 'free', 1))
        await tx.insertRow(row('w1', 'tasks', 'expired', 2, { owner: 'p1', leaseExpiresAt: iso(now - 1) }))
        await tx.insertRow(row('w1', 'tasks', 'live', 3, { owner: 'p1', leaseExpiresAt: iso(now + 1) }))
        await tx.insertRow(row('w1', 'tasks', 'edge', 4, { owner: 'p1', leaseExpiresAt: iso(now) }))
      })
      const unowned = await storage.read((tx) =>
        tx.queryRows({ workspaceId: 'w1', table: 'tasks', unownedAt: now, order: 'claim', limit: 10 }),
      )
      expect(unowned.map((r) => r.id)).toEqual(['free', 'expired'])
    })

    it('countRowsByStatus: per status of one table, other tables and workspaces apart', async () => {
      const storage = await seeded()
      await storage.write('w1', async (tx) => {
        for (let i = 1; i <= 5; i++)
          await tx.insertRow(row('w1', 'tasks', `t${i}`, i, { status: i <= 3 ? 'todo' : 'done' }))
        await tx.insertRow(row('w1', 'bugs', 'b1', 6, { status: 'todo' }))
      })
      await storage.write('w2', (tx) => tx.insertRow(row('w2', 'tasks', 'x1', 1)))
      expect(await storage.read((tx) => tx.countRowsByStatus('w1', 'tasks'))).toEqual({ todo: 3, done: 2 })
      expect(await storage.read((tx) => tx.countRowsByStatus('w1', 'none'))).toEqual({})
    })

    it('claimCandidates: the table’s lapsed leases among the workspace’s oldest (limited) and the scan’s page, read inside a write', async () => {
      const storage = await seeded()
      const now = T0 + 100_000
      const q = {
        workspaceId: 'w1',
        table: 'tasks',
        statuses: ['todo', 'review'],
        unownedAt: now,
        ready: true,
        order: 'claim',
        limit: 2,
      } as const
      const found = await storage.write('w1', async (tx) => {
        await tx.insertRow(
          row('w1', 'tasks', 'late', 1, { status: 'doing', owner: 'p1', leaseExpiresAt: iso(now - 5) }),
        )
        await tx.insertRow(
          row('w1', 'tasks', 'later', 2, { status: 'doing', owner: 'p1', leaseExpiresAt: iso(now - 9) }),
        )
        await tx.insertRow(
          row('w1', 'tasks', 'live', 3, { status: 'doing', owner: 'p1', leaseExpiresAt: iso(now + 9) }),
        )
        await tx.insertRow(row('w1', 'tasks', 'a', 4, { status: 'todo', priority: 1 }))
        await tx.insertRow(row('w1', 'tasks', 'b', 5, { status: 'review', priority: 2 }))
        await tx.insertRow(row('w1', 'tasks', 'blocked', 6, { status: 'todo', priority: 3 }))
        await tx.setRowBlockers('w1', 'blocked', ['a'], 1)
        await tx.insertRow(row('w1', 'tasks', 'c', 7, { status: 'todo' }))
        await tx.insertRow(row('w1', 'bugs', 'other', 8, { owner: 'p1', leaseExpiresAt: iso(now - 20) }))
        // Written and read in one transaction: the reads see the writes before them.
        const both = await tx.claimCandidates(q, now, 10)
        expect(both.candidates).toEqual(await tx.queryRows(q))
        return both
      })
      expect(found.lapsed.map((r) => r.id)).toEqual(['later', 'late'])
      expect(found.candidates.map((r) => r.id)).toEqual(['b', 'a'])
      // The limit counts the workspace's lapsed leases (the oldest is another table's), then the table's are kept.
      const limited = await storage.write('w1', (tx) => tx.claimCandidates({ ...q, statuses: [] }, now, 1))
      expect(limited).toEqual({ lapsed: [], candidates: [] })
      const two = await storage.write('w1', (tx) => tx.claimCandidates({ ...q, statuses: [] }, now, 2))
      expect(two).toEqual({ lapsed: [expect.objectContaining({ id: 'later' })], candidates: [] })
      // The count can move later: freeing the blocker's dependents makes it a candidate.
      const freed = await storage.write('w1', async (tx) => {
        await tx.adjustDependents('w1', 'a', -1)
        return tx.claimCandidates({ ...q, limit: 10 }, now, 10)
      })
      expect(freed.candidates.map((r) => r.id)).toEqual(['blocked', 'b', 'a', 'c'])
    })

    it('listExpiredLeases: owned rows whose lease ended before now, oldest expiry first, limited, per workspace', async () => {
      const storage = await seeded()
      const now = T0 + 100_000
      await storage.write('w1', async (tx) => {
        await tx.insertRow(row('w1', 'tasks', 'free', 1))
        await tx.insertRow(row('w1', 'tasks', 'late', 2, { owner: 'p1', leaseExpiresAt: iso(now - 10) }))
        await tx.insertRow(row('w1', 'tasks', 'older', 3, { owner: 'p1', leaseExpiresAt: iso(now - 5_000) }))
        await tx.insertRow(row('w1', 'bugs', 'oldest', 4, { owner: 'p2', leaseExpiresAt: iso(now - 9_000) }))
        await tx.insertRow(row('w1', 'tasks', 'live', 5, { owner: 'p1', leaseExpiresAt: iso(now + 10) }))
        await tx.insertRow(row('w1', 'tasks', 'edge', 6, { owner: 'p1', leaseExpiresAt: iso(now) }))
      })
      await storage.write('w2', (tx) =>
        tx.insertRow(row('w2', 'tasks', 'elsewhere', 1, { owner: 'p1', leaseExpiresAt: iso(now - 99_000) })),
      )
      await storage.read(async (tx) => {
        expect((await tx.listExpiredLeases('w1', now, 10)).map((r) => r.id)).toEqual(['oldest', 'older', 'late'])
        expect((await tx.listExpiredLeases('w1', now, 2)).map((r) => r.id)).toEqual(['oldest', 'older'])
        expect(await tx.listExpiredLeases('w1', T0, 10)).toEqual([])
      })
    })

    it('listWorkspacesWithExpiredLeases: each workspace with a lease due, once, limited', async () => {
      const storage = await seeded()
      const now = T0 + 100_000
      await storage.write('w1', async (tx) => {
        await tx.insertRow(row('w1', 'tasks', 'a', 1, { owner: 'p1', leaseExpiresAt: iso(now - 10) }))
        await tx.insertRow(row('w1', 'tasks', 'b', 2, { owner: 'p1', leaseExpiresAt: iso(now - 20) }))
      })
      await storage.write('w2', (tx) =>
        tx.insertRow(row('w2', 'tasks', 'live', 1, { owner: 'p1', leaseExpiresAt: iso(now + 10) })),
      )
      await storage.read(async (tx) => {
        expect(await tx.listWorkspacesWithExpiredLeases(now, 10)).toEqual(['w1'])
        expect(await tx.listWorkspacesWithExpiredLeases(now + 20, 1)).toHaveLength(1)
        expect((await tx.listWorkspacesWithExpiredLeases(now + 20, 10)).sort()).toEqual(['w1', 'w2'])
        expect(await tx.listWorkspacesWithExpiredLeases(T0, 10)).toEqual([])
      })
    })

    it('countWorkspacesCreatedBy: workspaces other than home holding a principal the creator made', async () => {
      const storage = await seeded()
      await storage.write('w1', async (tx) => {
        await tx.insertPrincipal(principal('w1', 'op1', 'operator', 'k1'))
        await tx.insertPrincipal(principal('w1', 'm1', 'member', 'k2', { createdBy: 'op1' }))
      })
      await storage.write('w2', async (tx) => {
        await tx.insertPrincipal(principal('w2', 'op2', 'operator', 'k3', { createdBy: 'op1' }))
        await tx.insertPrincipal(principal('w2', 'm2', 'helper', 'k4', { createdBy: 'op1' }))
      })
      await storage.read(async (tx) => {
        expect(await tx.countWorkspacesCreatedBy('op1', 'w1', 'op1')).toBe(1)
        expect(await tx.countWorkspacesCreatedBy('op2', 'w2', 'op2')).toBe(0)
      })
      // Operators made with a workspace carry their quota root: what op2 creates counts against op1 too.
      await storage.write(null, (tx) => tx.insertWorkspace(workspace('w3', 'three', { createdAt: iso(T0 + 2) })))
      await storage.write('w2', (tx) =>
        tx.updatePrincipal({ ...principal('w2', 'op2', 'operator', 'k3', { createdBy: 'op1' }), quotaRoot: 'op1' }),
      )
      await storage.write('w3', (tx) =>
        tx.insertPrincipal({ ...principal('w3', 'op3', 'operator', 'k5', { createdBy: 'op2' }), quotaRoot: 'op1' }),
      )
      await storage.read(async (tx) => {
        expect(await tx.countWorkspacesCreatedBy('op1', 'w1', 'op1')).toBe(2)
        expect(await tx.countWorkspacesCreatedBy('op2', 'w2', 'op1')).toBe(2)
      })
    })

    // ------------------------------------------------------------ orders both stores must agree on

    it("getWorkspace: an id equal to another workspace's name finds the workspace with that id", async () => {
      const storage = await fresh()
      await storage.write(null, async (tx) => {
        // Inserted first, so a store without the tie-break is likely to return it.
        await tx.insertWorkspace(workspace('w-named', 'shadow'))
        await tx.insertWorkspace(workspace('shadow', 'real', { createdAt: iso(T0 + 1) }))
      })
      await storage.read(async (tx) => {
        expect((await tx.getWorkspace('shadow'))?.id).toBe('shadow')
        expect((await tx.getWorkspace('real'))?.id).toBe('shadow')
        expect((await tx.getWorkspace('w-named'))?.id).toBe('w-named')
      })
      await storage.write('shadow', async (tx) => {
        expect((await tx.getWorkspace('shadow'))?.name).toBe('real')
      })
    })

    it('listExpiredLeases: leases that ended at the same instant come in creation (seq) order', async () => {
      const storage = await seeded()
      const now = T0 + 100_000
      const ended = iso(now - 1_000)
      await storage.write('w1', async (tx) => {
        // Inserted against seq order, ids against it too, so neither insertion nor id order passes.
        for (const [id, seq] of [
          ['a', 9],
          ['b', 3],
          ['c', 7],
          ['d', 1],
        ] as const) {
          await tx.insertRow(row('w1', 'tasks', id, seq, { owner: 'p1', leaseExpiresAt: ended }))
        }
        await tx.insertRow(row('w1', 'tasks', 'z-earlier', 20, { owner: 'p1', leaseExpiresAt: iso(now - 2_000) }))
      })
      await storage.read(async (tx) => {
        expect((await tx.listExpiredLeases('w1', now, 10)).map((r) => r.id)).toEqual(['z-earlier', 'd', 'b', 'c', 'a'])
        expect((await tx.listExpiredLeases('w1', now, 3)).map((r) => r.id)).toEqual(['z-earlier', 'd', 'b'])
      })
    })

    it('getDoc: several docs with one title resolve to the oldest (creation time, then id); an id match still wins', async () => {
      const storage = await seeded()
      await storage.write('w1', async (tx) => {
        await tx.insertDoc(doc('w1', 'd-newest', 'Notes', { createdAt: iso(T0 + 30) }))
        await tx.insertDoc(doc('w1', 'd-y', 'Notes', { createdAt: iso(T0 + 10) }))
        await tx.insertDoc(doc('w1', 'd-x', 'Notes', { createdAt: iso(T0 + 10) }))
        await tx.insertDoc(doc('w1', 'd-late', 'Journal', { createdAt: iso(T0 + 50) }))
        await tx.insertDoc(doc('w1', 'd-early', 'Journal', { createdAt: iso(T0 + 5) }))
        await tx.insertDoc(doc('w1', 'Journal', 'Other', { createdAt: iso(T0 + 60) }))
      })
      await storage.read(async (tx) => {
        expect((await tx.getDoc('w1', 'Notes'))?.id).toBe('d-x')
        expect((await tx.getDoc('w1', 'Journal'))?.id).toBe('Journal')
      })
      await storage.write('w1', async (tx) => {
        const x = (await tx.getDoc('w1', 'd-x'))!
        await tx.updateDoc({ ...x, title: 'Renamed' })
        expect((await tx.getDoc('w1', 'Notes'))?.id).toBe('d-y')
      })
    })

    it('nextRowSeq: monotonic within and across writes, per workspace', async () => {
      const storage = await seeded()
      const first = await storage.write('w1', async (tx) => [
        await tx.nextRowSeq('w1'),
        await tx.nextRowSeq('w1'),
        await tx.nextRowSeq('w1'),
      ])
      expect(first).toEqual([1, 2, 3])
      expect(await storage.write('w1', (tx) => tx.nextRowSeq('w1'))).toBe(4)
      expect(await storage.write('w2', (tx) => tx.nextRowSeq('w2'))).toBe(1)
      const concurrent = await Promise.all(
        Array.from({ length: 10 }, () => storage.write('w1', (tx) => tx.nextRowSeq('w1'))),
      )
      expect([...concurrent].sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
    })

    it('docs: by id and by title (id wins), list in creation order, update renames', async () => {
      const storage = await seeded()
      const a = doc('w1', 'd1', 'Plan')
      const b = doc('w1', 'd2', 'd1', { createdAt: iso(T0 + 10) }) // a title equal to another doc's id
      await storage.write('w1', async (tx) => {
        await tx.insertDoc(b)
        await tx.insertDoc(a)
      })
      await storage.read(async (tx) => {
        expect(await tx.getDoc('w1', 'd2')).toEqual(b)
        expect(await tx.getDoc('w1', 'Plan')).toEqual(a)
        expect(await tx.getDoc('w1', 'd1')).toEqual(a)
        expect(await tx.getDoc('w2', 'Plan')).toBeNull()
        expect((await tx.listDocs('w1')).map((d) => d.id)).toEqual(['d1', 'd2'])
      })
      const quoted = doc('w1', 'd3', "O'Brien's \\plan\\ $1", { createdAt: iso(T0 + 20) })
      await storage.write('w1', (tx) => tx.insertDoc(quoted))
      expect(await storage.read((tx) => tx.getDoc('w1', "O'Brien's \\plan\\ $1"))).toEqual(quoted)
      const renamed: Doc = { ...a, title: 'Roadmap', version: 2 }
      await storage.write('w1', (tx) => tx.updateDoc(renamed))
      expect(await storage.read((tx) => tx.getDoc('w1', 'Roadmap'))).toEqual(renamed)
      expect(await storage.read((tx) => tx.getDoc('w1', 'Plan'))).toBeNull()
    })

    it('events: append, list after a revision with a limit, ascending, byte-exact JSON', async () => {
      const storage = await seeded()
      const events = Array.from({ length: 12 }, (_, i) => event('w1', i + 1))
      await storage.write('w1', async (tx) => {
        for (const e of events.slice(0, 6)) await tx.appendEvent(e)
      })
      await storage.write('w1', async (tx) => {
        for (const e of events.slice(6)) await tx.appendEvent(e)
      })
      await storage.write('w2', (tx) => tx.appendEvent(event('w2', 1)))
      await storage.read(async (tx) => {
        expect((await tx.listEvents('w1', 0, 100)).map((e) => e.revision)).toEqual(events.map((e) => e.revision))
        expect((await tx.listEvents('w1', 4, 3)).map((e) => e.revision)).toEqual([5, 6, 7])
        expect(await tx.listEvents('w1', 12, 10)).toEqual([])
        expect((await tx.listEvents('w2', 0, 10)).map((e) => e.workspaceId)).toEqual(['w2'])
        // Hashes are computed over the exact JSON: what comes out must serialise to what went in.
        const back = await tx.listEvents('w1', 0, 100)
        expect(back.map((e) => JSON.stringify(e))).toEqual(events.map((e) => JSON.stringify(e)))
      })
    })

    it('events: filters (table, status, doc, row, actor, type and type prefix) run in the store with the log filter semantics', async () => {
      const storage = await seeded()
      const events = variedEvents('w1', 40)
      await storage.write('w1', async (tx) => {
        for (const e of events) await tx.appendEvent(e)
      })
      await storage.write('w2', (tx) => tx.appendEvent({ ...event('w2', 1), actor: 'p1' }))
      await storage.read((tx) => expectFiltersLikeTheLog(tx, 'w1', events))
    })

    // ------------------------------------------------------------ transactions

    it('a write that throws rolls back everything it did and rethrows the same error', async () => {
      const storage = await seeded()
      await storage.write('w1', async (tx) => {
        await tx.insertTable(table('w1', 'tasks'))
        await tx.nextRowSeq('w1')
      })
      const boom = new Error('boom')
      const attempt = storage.write('w1', async (tx) => {
        await tx.insertPrincipal(principal('w1', 'p1', 'alice', 'k1'))
        await tx.insertRow(row('w1', 'tasks', 'r1', await tx.nextRowSeq('w1')))
        await tx.insertDoc(doc('w1', 'd1', 'Plan'))
        await tx.appendEvent(event('w1', 1))
        await tx.updateTable({ ...table('w1', 'tasks'), contractVersion: 9 })
        await tx.updateWorkspace({ ...workspace('w1', 'one'), revision: 1, headHash: 'f'.repeat(64), frozen: true })
        throw boom
      })
      await expect(attempt).rejects.toBe(boom)
      await storage.read(async (tx) => {
        expect(await tx.getPrincipal('w1', 'p1')).toBeNull()
        expect(await tx.getPrincipalByKeyHash('k1')).toBeNull()
        expect(await tx.getRow('w1', 'r1')).toBeNull()
        expect(await tx.getDoc('w1', 'd1')).toBeNull()
        expect(await tx.listEvents('w1', 0, 10)).toEqual([])
        expect((await tx.getTable('w1', 'tasks'))?.contractVersion).toBe(1)
        expect(await tx.getWorkspace('w1')).toEqual(workspace('w1', 'one'))
      })
      // The store is usable afterwards and the row counter did not move.
      expect(await storage.write('w1', (tx) => tx.nextRowSeq('w1'))).toBe(2)
    })

    it('read sees only committed state while a write is in flight, and one snapshot for its whole length', async () => {
      const storage = await seeded()
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let inside!: () => void
      const entered = new Promise<void>((resolve) => (inside = resolve))
      const writing = storage.write('w1', async (tx) => {
        await tx.updateWorkspace({ ...workspace('w1', 'one'), revision: 1 })
        await tx.insertPrincipal(principal('w1', 'p1', 'alice', 'k1'))
        // The transaction reads its own writes (which also puts them in the store, uncommitted).
        expect((await tx.getPrincipalByName('w1', 'alice'))?.id).toBe('p1')
        expect((await tx.getWorkspace('one'))?.revision).toBe(1)
        inside()
        await gate
      })
      await entered
      await storage.read(async (tx) => {
        expect((await tx.getWorkspace('w1'))?.revision).toBe(0)
        expect(await tx.getPrincipal('w1', 'p1')).toBeNull()
      })

      // A read that began before the commit keeps its snapshot after it.
      let readFirst!: () => void
      const firstDone = new Promise<void>((resolve) => (readFirst = resolve))
      let commitSeen!: () => void
      const committed = new Promise<void>((resolve) => (commitSeen = resolve))
      const reading = storage.read(async (tx) => {
        const before = (await tx.getWorkspace('w1'))?.revision
        readFirst()
        await committed
        const after = (await tx.getWorkspace('w1'))?.revision
        const principalAfter = await tx.getPrincipal('w1', 'p1')
        return { before, after, principalAfter }
      })
      await firstDone
      release()
      await writing
      commitSeen()
      expect(await reading).toEqual({ before: 0, after: 0, principalAfter: null })
      expect((await storage.read((tx) => tx.getWorkspace('w1')))?.revision).toBe(1)
      expect(await storage.read((tx) => tx.getPrincipal('w1', 'p1'))).not.toBeNull()
    })

    it('concurrent writes to one workspace serialise: 20 read-increment-write transactions lose nothing', async () => {
      const storage = await seeded()
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          storage.write('w1', async (tx) => {
            const ws = await tx.getWorkspace('w1')
            if (ws === null) throw new Error('workspace vanished')
            await sleep(i % 3) // give another writer every chance to interleave
            await tx.appendEvent(event('w1', ws.revision + 1))
            await tx.updateWorkspace({ ...ws, revision: ws.revision + 1 })
          }),
        ),
      )
      const ws = await storage.read((tx) => tx.getWorkspace('w1'))
      expect(ws?.revision).toBe(20)
      const revisions = (await storage.read((tx) => tx.listEvents('w1', 0, 100))).map((e) => e.revision)
      expect(revisions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    })

    it('writes queued together (one commit where the store groups them): one that throws or whose statement fails is refused alone', async () => {
      const storage = await seeded()
      const heard: [string, number][] = []
      storage.onCommit((w, r) => heard.push([w, r]))
      const boom = new Error('boom')
      // 0, 1, 3, 5 succeed. 2 writes, reads its own writes, then throws. 4 and 6 (the last)
      // write, then append an event whose revision is taken, so a statement of theirs fails
      // (at once, or when their buffered writes are sent).
      const outcomes = await Promise.allSettled(
        Array.from({ length: 7 }, (_, i) =>
          storage.write('w1', async (tx) => {
            const ws = (await tx.getWorkspace('w1'))!
            const next = ws.revision + 1
            await tx.insertPrincipal(principal('w1', `p${i}`, `agent-${i}`, `key-${i}`))
            await tx.updateWorkspace({ ...ws, revision: next, headHash: String(i).padStart(64, 'c') })
            if (i === 2) {
              expect((await tx.getPrincipal('w1', 'p2'))?.name).toBe('agent-2')
              expect((await tx.getWorkspace('w1'))?.revision).toBe(next)
              throw boom
            }
            await tx.appendEvent(event('w1', i === 4 || i === 6 ? 1 : next))
            return next
          }),
        ),
      )
      expect(outcomes.map((o) => o.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
      ])
      expect((outcomes[2] as PromiseRejectedResult).reason).toBe(boom)
      // Each write saw the one before it that stood, never one that was undone: revisions 1..4.
      expect(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))).toEqual([1, 2, 3, 4])
      await storage.read(async (tx) => {
        expect(await tx.getWorkspace('w1')).toEqual(
          workspace('w1', 'one', { revision: 4, headHash: '5'.padStart(64, 'c') }),
        )
        expect((await tx.listEvents('w1', 0, 100)).map((e) => e.revision)).toEqual([1, 2, 3, 4])
        expect((await tx.listPrincipals('w1')).map((p) => p.id).sort()).toEqual(['p0', 'p1', 'p3', 'p5'])
        for (const i of [2, 4, 6]) expect(await tx.getPrincipalByKeyHash(`key-${i}`)).toBeNull()
      })
      await waitFor(() => heard.some(([w, r]) => w === 'w1' && r === 4))
      for (const [w, r] of heard) expect(w === 'w1' && r >= 1 && r <= 4).toBe(true)
      // The store goes on: the next write sees revision 4.
      expect(await storage.write('w1', async (tx) => (await tx.getWorkspace('w1'))!.revision)).toBe(4)
    })

    it('writes to different workspaces do not wait for each other', async () => {
      const storage = await seeded()
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let inside!: () => void
      const entered = new Promise<void>((resolve) => (inside = resolve))
      const slow = storage.write('w1', async (tx) => {
        await tx.nextRowSeq('w1')
        inside()
        await gate
      })
      await entered
      if (storage.kind === 'postgres') {
        // The embedded store has one writer for the file; the networked one locks per workspace.
        await expect(
          withTimeout(
            storage.write('w2', (tx) => tx.nextRowSeq('w2')),
            5_000,
          ),
        ).resolves.toBe(1)
      }
      release()
      await slow
    })

    it('onCommit hears (workspace, revision) after the commit, never for a rolled-back write, and stops after unsubscribe', async () => {
      const storage = await seeded()
      const heard: [string, number][] = []
      const off = storage.onCommit((workspaceId, revision) => heard.push([workspaceId, revision]))
      let heardDuringWrite = -1
      await storage.write('w1', async (tx) => {
        const ws = (await tx.getWorkspace('w1'))!
        await tx.appendEvent(event('w1', 1))
        await tx.updateWorkspace({ ...ws, revision: 1 })
        heardDuringWrite = heard.length
      })
      expect(heardDuringWrite).toBe(0)
      await waitFor(() => heard.some(([w, r]) => w === 'w1' && r === 1))

      await expect(
        storage.write('w1', async (tx) => {
          const ws = (await tx.getWorkspace('w1'))!
          await tx.updateWorkspace({ ...ws, revision: 99 })
          throw new Error('no')
        }),
      ).rejects.toThrow('no')
      await storage.write('w2', async (tx) => {
        const ws = (await tx.getWorkspace('w2'))!
        await tx.updateWorkspace({ ...ws, revision: 3 })
      })
      await waitFor(() => heard.some(([w, r]) => w === 'w2' && r === 3))
      expect(heard.some(([, r]) => r === 99)).toBe(false)
      for (const [w, r] of heard)
        expect([
          ['w1', 1],
          ['w2', 3],
        ]).toContainEqual([w, r])

      off()
      const count = heard.length
      await storage.write('w1', async (tx) => {
        const ws = (await tx.getWorkspace('w1'))!
        await tx.updateWorkspace({ ...ws, revision: 2 })
      })
      await sleep(150)
      expect(heard.slice(count).some(([, r]) => r === 2)).toBe(false)
    })

    // ------------------------------------------------------------ through the service

    async function openService(): Promise<{ service: DockService; op: Caller; storage: Storage }> {
      const storage = await options.createStorage()
      await storage.init()
      const service = new DockService({ storage })
      closers.push(() => service.close())
      const boot = await service.identity.bootstrap('conformance-operator')
      expect(boot.created).toBe(true)
      expect((await service.identity.bootstrap('conformance-operator')).created).toBe(false)
      const op: Caller = { principal: await service.identity.authenticate('conformance-operator') }
      return { service, op, storage }
    }

    async function agent(service: DockService, op: Caller, name: string): Promise<Caller> {
      const { key } = await service.identity.createPrincipal(op, 'default', { name, kind: 'agent', roles: ['member'] })
      return { principal: await service.identity.authenticate(key) }
    }

    it('service: 16 concurrent claimNext over 100 rows claim each row exactly once; revisions gap-free; audit verifies', async () => {
      const { service, op } = await openService()
      await service.tables.createTable(op, 'default', tasksTable())
      const created = new Set<string>()
      for (let i = 0; i < 100; i++)
        created.add((await service.rows.createRow(op, 'default', 'tasks', { values: { title: `task ${i}` } })).id)
      const agents = await Promise.all(Array.from({ length: 16 }, (_, i) => agent(service, op, `agent-${i}`)))

      const claims: { row: string; by: string; token: number }[] = []
      await Promise.all(
        agents.map(async (caller) => {
          for (;;) {
            const got = await service.rows.claimNext(caller, 'default', 'tasks', {})
            if (got === null) return
            claims.push({ row: got.row.id, by: caller.principal.id, token: got.lease.token })
          }
        }),
      )
      expect(claims).toHaveLength(100)
      expect(new Set(claims.map((c) => c.row))).toEqual(created)
      expect(new Set(claims.map((c) => c.token)).size).toBe(100)
      const owned = await service.rows.listRows(op, 'default', 'tasks', { statuses: ['in_progress'], limit: 500 })
      expect(owned.items).toHaveLength(100)
      for (const r of owned.items) expect(r.owner).toBe(claims.find((c) => c.row === r.id)?.by)

      const ws = await service.identity.getWorkspace(op, 'default')
      const page = await service.events.listEvents(op, 'default', { since: 0, limit: 1000, filter: {} })
      expect(page.items.map((e) => e.revision)).toEqual(Array.from({ length: ws.revision }, (_, i) => i + 1))
      expect(page.items.filter((e) => e.type === 'row.claimed')).toHaveLength(100)
      const audit = await service.events.verifyAudit(op, 'default')
      expect(audit).toEqual({ ok: true, checked: ws.revision, headRevision: ws.revision, firstBreak: null })
    })

    it('service: claim, transition and release interleaved across agents keep one owner and one log', async () => {
      const { service, op } = await openService()
      await service.tables.createTable(op, 'default', tasksTable())
      for (let i = 0; i < 30; i++)
        await service.rows.createRow(op, 'default', 'tasks', { values: { title: `task ${i}` } })
      const agents = await Promise.all(Array.from({ length: 6 }, (_, i) => agent(service, op, `worker-${i}`)))
      const done: string[] = []
      await Promise.all(
        agents.map(async (caller, n) => {
          let round = 0
          for (;;) {
            const got = await service.rows.claimNext(caller, 'default', 'tasks', {})
            if (got === null) return
            round++
            // Every third claim of some agents is given back, to be claimed again by someone.
            if ((n + round) % 3 === 0) {
              await service.rows.release(caller, 'default', 'tasks', got.row.id, { fencingToken: got.lease.token })
              continue
            }
            await service.rows.transition(caller, 'default', 'tasks', got.row.id, {
              to: 'ready_for_review',
              fencingToken: got.lease.token,
            })
            done.push(got.row.id)
          }
        }),
      )
      expect(done).toHaveLength(30)
      expect(new Set(done).size).toBe(30)
      const audit = await service.events.verifyAudit(op, 'default')
      expect(audit.ok).toBe(true)
    })

    it('service: a filtered log read through long history pages to exactly the matches, in order, with a cursor that resumes', async () => {
      const { service, op } = await openService()
      await service.tables.createTable(op, 'default', tasksTable())
      await service.tables.createTable(op, 'default', tasksTable('bugs'))
      // Rare matches behind more than one page (200) of other events.
      for (let i = 0; i < 210; i++) {
        await service.rows.createRow(op, 'default', i % 100 === 7 ? 'bugs' : 'tasks', {
          values: { title: `item ${i}` },
        })
      }
      const all = await service.events.listEvents(op, 'default', { since: 0, limit: 1000, filter: {} })
      const filter = { tables: ['bugs'], types: ['row.*'] }
      const expected = all.items
        .filter((e) => e.target.table === 'bugs' && e.type.startsWith('row.'))
        .map((e) => e.revision)
      expect(expected).toHaveLength(3)
      const seen: number[] = []
      let since = 0
      for (let guard = 0; guard < 10; guard++) {
        const page = await service.events.listEvents(op, 'default', { since, limit: 2, filter })
        seen.push(...page.items.map((e) => e.revision))
        expect(page.nextSince).toBeGreaterThanOrEqual(since)
        if (page.items.length === 0) {
          // Nothing left: the cursor stands at the head, so a watcher resumes from there.
          expect(page.nextSince).toBe(all.revision)
          break
        }
        since = page.nextSince
      }
      expect(seen).toEqual(expected)
    })

    it('service: stored readiness matches a recomputation from the blockers after 160 random writes; row= matches the whole log', async () => {
      const { service, op } = await openService()
      const member = await agent(service, op, 'mover')
      const rule = (to: string) => ({ from: '*', to, by: ['any'] })
      await service.tables.createTable(op, 'default', {
        name: 'tasks',
        columns: [{ name: 'title', type: 'text' }],
        workflow: {
          statuses: ['todo', 'doing', 'review', 'done', 'dropped'],
          initial: 'todo',
          done: ['done', 'dropped'],
          claim: { from: ['todo', 'review'], to: 'doing', leaseMs: 60_000, maxAttempts: 100 },
          transitions: ['todo', 'doing', 'review', 'done', 'dropped'].map(rule),
        },
      })
      const specsWorkflow = (done: string[]) => ({
        statuses: ['draft', 'approved'],
        initial: 'draft',
        done,
        claim: null,
        transitions: ['draft', 'approved'].map(rule),
      })
      await service.tables.createTable(op, 'default', {
        name: 'specs',
        columns: [{ name: 'title', type: 'text' }],
        workflow: specsWorkflow(['approved']),
      })
      // A fixed seed: a failure replays exactly.
      let seed = 0x5eed
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        return Math.floor((seed / 2 ** 31) * n)
      }
      const ids: { id: string; table: 'tasks' | 'specs' }[] = []
      const someBlockers = (): string[] =>
        ids.length === 0 ? [] : Array.from({ length: random(4) }, () => ids[random(ids.length)]!.id)

      async function allRows(): Promise<Row[]> {
        const out: Row[] = []
        for (const t of ['tasks', 'specs'])
          out.push(...(await service.rows.listRows(op, 'default', t, { limit: 500 })).items)
        return out
      }
      /** Ready tasks by the rule itself: claimable status, no live owner, every blocker in a done status of its table. */
      async function expectedReady(): Promise<string[]> {
        const rows = await allRows()
        const byId = new Map(rows.map((r) => [r.id, r]))
        const done = new Map<string, readonly string[]>()
        for (const t of ['tasks', 'specs']) done.set(t, (await service.tables.getTable(op, 'default', t)).workflow.done)
        return rows
          .filter((r) => r.table === 'tasks' && ['todo', 'review'].includes(r.status) && r.owner === null)
          .filter((r) => r.blockedBy.every((b) => done.get(byId.get(b)!.table)!.includes(byId.get(b)!.status)))
          .map((r) => r.id)
          .sort()
      }
      const readyNow = async (): Promise<string[]> =>
        (await service.rows.listRows(op, 'default', 'tasks', { ready: true, limit: 500 })).items.map((r) => r.id).sort()

      let checks = 0
      for (let step = 0; step < 160; step++) {
        const pick = ids[random(Math.max(ids.length, 1))]
        const choice = ids.length < 8 ? 0 : random(10)
        try {
          if (choice <= 2) {
            const table = random(3) === 0 ? 'specs' : 'tasks'
            const r = await service.rows.createRow(op, 'default', table, {
              values: { title: `row ${step}` },
              blockedBy: someBlockers(),
            })
            ids.push({ id: r.id, table })
          } else if (choice <= 5 && pick !== undefined) {
            const statuses =
              pick.table === 'tasks' ? ['todo', 'doing', 'review', 'done', 'dropped'] : ['draft', 'approved']
            await service.rows.transition(op, 'default', pick.table, pick.id, {
              to: statuses[random(statuses.length)]!,
            })
          } else if (choice === 6 && pick !== undefined) {
            await service.rows.updateRow(op, 'default', pick.table, pick.id, {
              blockedBy: someBlockers().filter((b) => b !== pick.id),
            })
          } else if (choice === 7) {
            const expected = await expectedReady()
            const got = await service.rows.claimNext(member, 'default', 'tasks', {})
            // claim-next takes a ready row when there is one, and only then.
            if (got === null) expect(expected).toEqual([])
            else {
              expect(expected).toContain(got.row.id)
              if (random(2) === 0)
                await service.rows.release(member, 'default', 'tasks', got.row.id, { fencingToken: got.lease.token })
            }
          } else if (choice === 8) {
            const table = await service.tables.getTable(op, 'default', 'specs')
            const flip = table.workflow.done.includes('draft') ? ['approved'] : ['approved', 'draft']
            await service.tables.publishSchema(op, 'default', 'specs', {
              columns: [{ name: 'title', type: 'text' }],
              workflow: specsWorkflow(flip),
            })
          } else {
            expect(await readyNow()).toEqual(await expectedReady())
            checks++
          }
        } catch (error) {
          // Random moves may be refused (a held row, a cycle-free rule); a refusal must be a DockError, and changes nothing.
          if (!isDockError(error)) throw error
        }
      }
      expect(await readyNow()).toEqual(await expectedReady())
      expect(checks).toBeGreaterThan(3)
      // The stored counts by status are what counting the rows gives.
      const rows = await allRows()
      for (const t of ['tasks', 'specs']) {
        const counted: Record<string, number> = {}
        for (const r of rows.filter((r) => r.table === t)) counted[r.status] = (counted[r.status] ?? 0) + 1
        const stats = await service.stats.stats(op, 'default')
        const shown = Object.fromEntries(
          Object.entries(stats.tables.find((s) => s.table === t)!.byStatus).filter(([, n]) => n !== 0),
        )
        expect(shown, t).toEqual(counted)
      }

      // One row's history (row=) is exactly the whole log's events targeting that row.
      const log = (await service.events.listEvents(op, 'default', { since: 0, limit: 1000, filter: {} })).items
      for (const { id } of ids.slice(0, 12)) {
        const own = await service.events.listEvents(op, 'default', { since: 0, limit: 1000, filter: { rows: [id] } })
        expect(own.items.map((e) => e.revision)).toEqual(
          log.filter((e) => e.target.kind === 'row' && e.target.id === id).map((e) => e.revision),
        )
      }
    })

    it('service: concurrent creation of one workspace name yields one workspace and already_exists for the rest', async () => {
      const { service, op, storage } = await openService()
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => service.identity.createWorkspace(op, 'shared')),
      )
      const ok = results.filter((r) => r.status === 'fulfilled')
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      expect(ok).toHaveLength(1)
      for (const r of refused) {
        expect(isDockError(r.reason)).toBe(true)
        expect((r.reason as { code: string }).code).toBe('already_exists')
      }
      const names = (await storage.read((tx) => tx.listWorkspaces())).map((w) => w.name)
      expect(names.sort()).toEqual(['default', 'shared'])
    })
  })
}

// ------------------------------------------------------------------ fixtures

export function tasksTable(name = 'tasks'): Parameters<DockService['tables']['createTable']>[2] {
  return {
    name,
    columns: [{ name: 'title', type: 'text', required: true }],
    workflow: {
      statuses: ['todo', 'in_progress', 'ready_for_review', 'done', 'failed'],
      initial: 'todo',
      done: ['done'],
      claim: { from: ['todo'], to: 'in_progress', leaseMs: 60_000, maxAttempts: 3, deadLetter: 'failed' },
      transitions: [
        { from: 'in_progress', to: 'ready_for_review', by: ['owner'] },
        { from: 'in_progress', to: 'done', by: ['owner'] },
        { from: 'ready_for_review', to: 'done', by: ['reviewer'], require: ['not:author'] },
      ],
    },
  }
}

function workspace(id: string, name: string, over: Partial<WorkspaceRecord> = {}): WorkspaceRecord {
  return { id, name, revision: 0, headHash: '0'.repeat(64), frozen: false, createdAt: iso(T0), ...over }
}

function principal(
  workspaceId: string,
  id: string,
  name: string,
  keyHash: string,
  over: Partial<PrincipalRecord> = {},
): PrincipalRecord {
  return {
    id,
    workspaceId,
    name,
    kind: 'agent',
    roles: ['member'],
    skills: ['ts', 'sql'],
    status: 'active',
    budget: { writesPerMinute: null },
    publicKey: null,
    createdAt: iso(T0),
    createdBy: null,
    keyHash,
    ...over,
  }
}

function table(workspaceId: string, name: string, over: Partial<Table> = {}): Table {
  return {
    id: `t_${name}`,
    workspaceId,
    name,
    contractVersion: 1,
    columns: [
      { name: 'title', type: 'text', required: true },
      { name: 'status', type: 'enum', values: ['todo', 'doing', 'done'] },
    ],
    workflow: {
      statusColumn: 'status',
      statuses: ['todo', 'doing', 'done'],
      initial: 'todo',
      done: ['done'],
      claim: { from: ['todo'], to: 'doing', leaseMs: 60_000, maxAttempts: 3, deadLetter: 'done' },
      transitions: [{ from: 'doing', to: 'done', by: ['owner'] }],
    },
    createdAt: iso(T0),
    createdBy: 'p0',
    ...over,
  }
}

function row(workspaceId: string, tableName: string, id: string, seq: number, over: Partial<Row> = {}): Row {
  return {
    id,
    workspaceId,
    table: tableName,
    values: {
      title: `row ${id} it's $2 \\ "q"`,
      status: over.status ?? 'todo',
      nested: { a: [1, 2.5, 'x'], ünïcødé: '✓' },
    },
    status: 'todo',
    version: 1,
    revision: seq,
    contractVersion: 1,
    createdBy: 'p0',
    updatedBy: 'p0',
    createdAt: iso(T0 + seq),
    updatedAt: iso(T0 + seq),
    owner: null,
    leaseExpiresAt: null,
    fencingToken: 0,
    attempts: 0,
    author: 'p0',
    claimedFrom: null,
    blockedBy: [],
    requiredSkills: [],
    priority: 0,
    seq,
    ...over,
  }
}

function doc(workspaceId: string, id: string, title: string, over: Partial<Doc> = {}): Doc {
  return {
    id,
    workspaceId,
    title,
    version: 1,
    revision: 1,
    sections: [
      {
        key: 'intro',
        heading: 'Intro',
        level: 2,
        body: 'Hello **world** — “quotes”',
        version: 1,
        editedBy: 'p0',
        editedAt: iso(T0),
        revision: 1,
        lane: null,
      },
    ],
    lock: null,
    createdBy: 'p0',
    updatedBy: 'p0',
    createdAt: iso(T0),
    updatedAt: iso(T0),
    ...over,
  }
}

function event(workspaceId: string, revision: number): DockEvent {
  return {
    workspaceId,
    revision,
    ts: iso(T0 + revision),
    actor: 'p0',
    type: 'row.updated',
    target: { kind: 'row', id: `r${revision}`, table: 'tasks', status: 'todo' },
    before: null,
    // Key order, numbers and non-ASCII text must survive the round trip exactly.
    after: {
      z: 1,
      a: [1.5, 1e21, -0, 'é', '\u2028', { y: null, b: true }],
      emoji: '🚢',
      big: 2 ** 53 - 1,
      // Whatever a store does with values on their way (parameters, escaped literals), this must survive.
      nasty: "it's \"quoted\" \\ back\\slash $1 $$ E'\\x' '); DROP TABLE events; -- \t\n\r",
    },
    requestId: `req-${revision}`,
    signature: null,
    prevHash: String(revision - 1).padStart(64, '0'),
    hash: String(revision).padStart(64, 'a'),
  }
}

/** The log's filter semantics (src/service/event-filter.ts), written out as the reference the store's filtered reads must match. */
export function matchesFilter(e: DockEvent, f: EventQueryFilter): boolean {
  if (f.tables !== undefined && (e.target.table === undefined || !f.tables.includes(e.target.table))) return false
  if (f.statuses !== undefined && (e.target.status === undefined || !f.statuses.includes(e.target.status))) return false
  if (f.docs !== undefined && (e.target.doc === undefined || !f.docs.includes(e.target.doc))) return false
  if (f.rows !== undefined && (e.target.kind !== 'row' || !f.rows.includes(e.target.id))) return false
  if (f.actors !== undefined && !f.actors.includes(e.actor)) return false
  if (
    f.types !== undefined &&
    !f.types.some((t) => (t.endsWith('.*') ? e.type.startsWith(t.slice(0, -1)) : e.type === t))
  )
    return false
  return true
}

/** Every filter shape against `events` (all of the workspace's log, ascending): the store returns what the reference keeps, paged too. */
export async function expectFiltersLikeTheLog(
  tx: Tx,
  workspaceId: string,
  events: readonly DockEvent[],
): Promise<void> {
  const pick = <T>(values: (T | undefined)[]): T[] => [...new Set(values.filter((v): v is T => v !== undefined))].sort()
  const tables = pick(events.map((e) => e.target.table))
  const statuses = pick(events.map((e) => e.target.status))
  const docs = pick(events.map((e) => e.target.doc))
  const rows = pick(events.map((e) => (e.target.kind === 'row' ? e.target.id : undefined)))
  const actors = pick(events.map((e) => e.actor))
  const types = pick(events.map((e) => e.type))
  const filters: EventQueryFilter[] = [
    {},
    { tables: tables.slice(0, 1) },
    { tables },
    { statuses: statuses.slice(0, 1) },
    { docs: docs.slice(0, 1) },
    { rows: rows.slice(0, 1) },
    { rows: rows.slice(0, 3) },
    { actors: actors.slice(0, 1) },
    { types: types.slice(0, 1) },
    { types: ['row.*'] },
    { types: ['doc.*', types[0]!] },
    { tables: tables.slice(0, 1), actors: actors.slice(-1), types: ['row.*'] },
    { tables: [] },
    { rows: ['no-such-row'] },
  ]
  for (const filter of filters) {
    const expected = events.filter((e) => matchesFilter(e, filter)).map((e) => e.revision)
    expect(
      (await tx.listEvents(workspaceId, 0, 10_000, filter)).map((e) => e.revision),
      JSON.stringify(filter),
    ).toEqual(expected)
    // Paging: after a revision, and limited.
    const since = events[Math.floor(events.length / 3)]!.revision
    const page = expected.filter((r) => r > since).slice(0, 2)
    expect(
      (await tx.listEvents(workspaceId, since, 2, filter)).map((e) => e.revision),
      JSON.stringify(filter),
    ).toEqual(page)
  }
}

/** Events of every target kind and several actors, tables, statuses, docs and rows. */
function variedEvents(workspaceId: string, n: number): DockEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const base = event(workspaceId, i + 1)
    const actor = ['p0', 'p1', 'system'][i % 3]!
    switch (i % 5) {
      case 0:
      case 1:
        return {
          ...base,
          actor,
          type: i % 2 === 0 ? 'row.updated' : 'row.claimed',
          target: {
            kind: 'row',
            id: `r${i % 7}`,
            table: i % 4 === 0 ? 'bugs' : 'tasks',
            status: ['todo', 'doing'][i % 2]!,
          },
        }
      case 2:
        return {
          ...base,
          actor,
          type: 'doc.section_written',
          target: { kind: 'doc', id: `d${i % 2}`, doc: `d${i % 2}`, section: 'intro' },
        }
      case 3:
        return { ...base, actor, type: 'table.created', target: { kind: 'table', id: 't1', table: 'tasks' } }
      default:
        return { ...base, actor, type: 'principal.created', target: { kind: 'principal', id: `p${i}` } }
    }
  })
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(10)
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)),
  ])
}
