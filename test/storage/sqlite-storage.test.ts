import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'

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
      expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").get() as { sql: string }).sql).not.toMatch(/WITHOUT ROWID/)
    } finally {
      db.close()
    }
  })
})
