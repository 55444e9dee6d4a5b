import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'

import { DockError } from '../../src/domain/errors.js'
import { MIGRATIONS } from '../../src/storage/sql/migrations.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import { runStorageConformance } from './storage-conformance.case.js'

const dirs: string[] = []

runStorageConformance({
  name: 'sqlite',
  async createStorage() {
    const dataDir = await mkdtemp(join(tmpdir(), 'dock-sqlite-conformance-'))
    dirs.push(dataDir)
    return new SqliteStorage({ dataDir })
  },
  async cleanup() {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  },
})

describe('SQLite storage: the file', () => {
  afterAll(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  })

  it('a new store is at the latest migration, with 8 KB pages and the log as a rowid table', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dock-sqlite-file-'))
    dirs.push(dataDir)
    const storage = new SqliteStorage({ dataDir })
    await storage.init()
    await storage.close()
    const db = new Database(join(dataDir, 'dock.db'), { readonly: true })
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.id)
      expect(db.pragma('page_size', { simple: true })).toBe(8192)
      expect(
        (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").get() as { sql: string }).sql,
      ).not.toMatch(/WITHOUT ROWID/)
    } finally {
      db.close()
    }
  })

  it('a refusal decided inside a batch waits for its COMMIT: when the COMMIT fails, it is unavailable, not the 409 it described', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dock-sqlite-commit-'))
    dirs.push(dataDir)
    await new SqliteStorage({ dataDir }).close()
    // A deferred foreign key is checked at COMMIT: inserting the principal named commit-breaker
    // leaves a dangling reference that fails the COMMIT itself, after every write of the batch ran.
    const db = new Database(join(dataDir, 'dock.db'))
    db.exec(`CREATE TABLE commit_breaker (ref TEXT REFERENCES workspaces(id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER break_commit AFTER INSERT ON principals WHEN NEW.name = 'commit-breaker'
      BEGIN INSERT INTO commit_breaker VALUES ('no-such-workspace'); END;`)
    db.close()
    const storage = new SqliteStorage({ dataDir })
    try {
      await storage.write(null, (tx) =>
        tx.insertWorkspace({
          id: 'w1',
          name: 'one',
          revision: 0,
          headHash: '0'.repeat(64),
          frozen: false,
          createdAt: new Date().toISOString(),
        }),
      )
      const batch = (name: string): Promise<PromiseSettledResult<unknown>[]> =>
        Promise.allSettled([
          storage.write('w1', async (tx) => {
            const current = (await tx.getWorkspace('w1'))!
            await tx.insertPrincipal({
              id: `p-${name}`,
              workspaceId: 'w1',
              name,
              kind: 'agent',
              roles: ['member'],
              skills: [],
              status: 'active',
              budget: { writesPerMinute: null },
              publicKey: null,
              createdAt: new Date().toISOString(),
              createdBy: null,
              keyHash: `key-${name}`,
            })
            await tx.updateWorkspace({ ...current, revision: current.revision + 1 })
          }),
          // Queued in the same tick, so in the same batch: it refuses with the state the first
          // write left, which exists only if that batch commits.
          storage.write('w1', async (tx) => {
            const current = (await tx.getWorkspace('w1'))!
            throw new DockError('version_conflict', 'stale', { details: { current } })
          }),
        ])
      const [broken, refusal] = await batch('commit-breaker')
      expect(broken).toMatchObject({ status: 'rejected', reason: { code: 'unavailable' } })
      expect(refusal).toMatchObject({ status: 'rejected', reason: { name: 'DockError', code: 'unavailable' } })
      expect((await storage.read((tx) => tx.getWorkspace('w1')))?.revision).toBe(0)
      // The same batch committing: the refusal arrives as itself, describing committed state.
      const [ok, conflict] = await batch('fine')
      expect(ok?.status).toBe('fulfilled')
      expect(conflict).toMatchObject({
        status: 'rejected',
        reason: { code: 'version_conflict', details: { current: { revision: 1 } } },
      })
    } finally {
      await storage.close()
    }
  })
})
