import { DockError } from '../domain/errors.js'
import type { Doc, Table } from '../domain/types.js'
import type { Caller, Precondition } from './service-types.js'

/**
 * Every refusal here carries the current record in `details.current`, so a
 * writer can merge and retry without another read (promise 1).
 */
export function checkPrecondition(version: number, pre: Precondition, current: unknown, what: string): void {
  if (pre.ifMatch !== undefined && pre.ifMatch !== version) {
    throw new DockError('precondition_failed', `${what} is at version ${version}, not ${pre.ifMatch}`, {
      details: { current, version },
    })
  }
  if (pre.expectedVersion !== undefined && pre.expectedVersion !== version) {
    throw new DockError('version_conflict', `${what} is at version ${version}, not ${pre.expectedVersion}`, {
      details: { current, version },
    })
  }
}

export function checkContractPin(table: Table, pinned: number | undefined): void {
  if (pinned !== undefined && pinned !== table.contractVersion) {
    throw new DockError('contract_changed', `table ${table.name} moved to contract version ${table.contractVersion}`, {
      details: { contractVersion: table.contractVersion, columns: table.columns, workflow: table.workflow },
    })
  }
}

/**
 * The doc lock's fencing: while a lock is live, only its holder writes, and only
 * with the lock's token. A write that carries a token is a write under a lock, so
 * it is refused once that lock has ended (expired, unlocked, or taken over): a
 * stale holder cannot write after its successor, nor after its successor unlocked.
 */
export function checkDocLock(doc: Doc, caller: Caller, lockToken: number | undefined, now: number): void {
  const lock = doc.lock
  const live = lock !== null && Date.parse(lock.expiresAt) > now
  if (live && lock.owner !== caller.principal.id) {
    throw new DockError('doc_locked', `doc ${doc.title} is locked by ${lock.owner} until ${lock.expiresAt}`, {
      details: { lock },
    })
  }
  if (lockToken !== undefined) {
    if (!live || lock.token !== lockToken) {
      throw new DockError('lease_expired', `the lock of token ${lockToken} on doc ${doc.title} has ended; lock again`, {
        details: { lock },
      })
    }
    return
  }
  if (live) {
    throw new DockError('precondition_required', 'writes under the doc lock carry its token (lockToken)', {
      details: { lock },
    })
  }
}
