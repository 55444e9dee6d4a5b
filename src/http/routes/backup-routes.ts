import { createReadStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'

import { backup } from '../../api/workspaces.js'
import type { DockService } from '../../service/dock-service.js'
import type { Router } from '../route.js'

/** The media type of a SQLite database file (IANA). */
const SQLITE_TYPE = 'application/vnd.sqlite3'

export function registerBackupRoutes(router: Router, service: DockService): void {
  router.add({
    method: 'GET',
    url: '/v1/backup',
    tag: 'meta',
    summary:
      'A consistent snapshot of the whole store as a SQLite file, taken while writes go on (operator of workspace "default"; SQLite stores)',
    operation: backup,
    handler: async ({ caller, reply }) => {
      const dir = await mkdtemp(join(tmpdir(), 'dock-backup-'))
      try {
        const file = join(dir, 'dock.db')
        await service.backup(caller, file)
        const { size } = await stat(file)
        // Streamed from the snapshot file: a store of any size, without holding it in memory.
        reply.hijack()
        reply.raw.writeHead(200, {
          'content-type': SQLITE_TYPE,
          'content-length': String(size),
          'content-disposition': 'attachment; filename="dock-backup.db"',
          'cache-control': 'no-store',
        })
        await pipeline(createReadStream(file), reply.raw).catch(() => reply.raw.destroy())
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
  })
}
