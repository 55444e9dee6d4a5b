import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

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
