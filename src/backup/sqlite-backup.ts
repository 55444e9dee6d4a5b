/**
 * Backups of the embedded store, taken beside the adapter rather than inside
 * it: a second, read-only connection sees one consistent snapshot while the
 * server keeps writing (WAL mode), and `VACUUM INTO` writes that snapshot to a
 * new file in one read transaction. A plain copy of `dock.db` is not a backup:
 * recent commits live in `dock.db-wal` until a checkpoint moves them.
 *
 * @module
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'

import Database from 'better-sqlite3'

import { DockError } from '../domain/errors.js'

/** The store's file in a data directory; the name SqliteStorage gives it. */
export const SQLITE_DB_FILE = 'dock.db'

/** What marks a file as a Dock store: the tables every schema version has. */
const DOCK_TABLES = ['workspaces', 'principals', 'events']

export function sqliteFile(dataDir: string): string {
  return join(dataDir, SQLITE_DB_FILE)
}

/** True when the data directory holds a store (nothing is created to find out). */
export function hasSqliteStore(dataDir: string): boolean {
  return existsSync(sqliteFile(dataDir))
}

/**
 * Writes a consistent snapshot of the store at `dbFile` to `dest` (which must
 * not exist). Safe while a server writes to the store, in this process or another.
 */
export async function vacuumInto(dbFile: string, dest: string): Promise<void> {
  if (!existsSync(dbFile)) throw new DockError('not_found', `no Dock store at ${dbFile}`)
  if (existsSync(dest)) throw new DockError('already_exists', `${dest} exists; backups never overwrite a file`)
  await mkdir(dirname(dest), { recursive: true })
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    db.prepare('VACUUM INTO ?').run(dest)
  } finally {
    db.close()
  }
}

/** Refuses anything that is not a SQLite file holding a Dock store, before it replaces one. */
export function checkBackupFile(file: string): void {
  if (!existsSync(file)) throw new DockError('not_found', `no backup file ${file}`)
  let db: Database.Database | undefined
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    const names = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    )
    const missing = DOCK_TABLES.filter((t) => !names.has(t))
    if (missing.length > 0)
      throw new DockError(
        'invalid_input',
        `${file} is a SQLite file but not a Dock store (no ${missing.join(', ')} table)`,
      )
    const check = db.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new DockError('invalid_input', `${file} fails SQLite's quick_check: ${String(check)}`)
  } catch (err) {
    if (err instanceof DockError) throw err
    throw new DockError('invalid_input', `${file} is not a Dock backup: ${(err as Error).message}`)
  } finally {
    db?.close()
  }
}

/**
 * Makes `dataDir` hold the store in `file`. Refuses a non-empty directory
 * unless `force`; with it, the old store and its WAL files go (a WAL left
 * beside a different database would be replayed into it).
 */
export async function restoreSqlite(file: string, dataDir: string, force: boolean): Promise<void> {
  checkBackupFile(file)
  if (existsSync(dataDir)) {
    const entries = readdirSync(dataDir)
    if (entries.length > 0 && !force) {
      throw new DockError(
        'already_exists',
        `${dataDir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); stop its server and pass --force to replace it`,
      )
    }
  }
  await mkdir(dataDir, { recursive: true })
  const target = sqliteFile(dataDir)
  const staging = `${target}.restoring`
  rmSync(staging, { force: true })
  // A copy through SQLite, not the file system: the result is a complete database file with no WAL of its own.
  await vacuumInto(file, staging)
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true })
  renameSync(staging, target)
}
