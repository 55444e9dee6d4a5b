import { DockError } from '../domain/errors.js'
import type { Doc, Table } from '../domain/types.js'
import type { Caller, Precondition } from './service-types.js'

/**
 * Every refusal here carries the current record in `details.current`, so a
 * writer can merge and retry without another read (promise 1).
 */
export function checkPrecondition(version: number, pre: Precondition, current: unknown, what: string): void {
  if (pre.ifMatch !== undefined && pre.ifMatch !== version) {
    throw new DockError('precondition_failed', `${what} is at version ${version}, not ${pre.ifMatch}`, { details: { current, version } })
  }
  if (pre.expectedVersion !== undefined && pre.expectedVersion !== version) {
    throw new DockError('version_conflict', `${what} is at version ${version}, not ${pre.expectedVersion}`, { details: { current, version } })
  }
}

export function checkContractPin(table: Table, pinned: number | undefined): void {
  if (pinned !== undefined && pinned !== table.contractVersion) {
    throw new DockError('contract_changed', `table ${table.name} moved to contract version ${table.contractVersion}`, {
      details: { contractVersion: table.contractVersion, columns: table.columns, workflow: table.workflow },
    })
  }
}

export function checkDocLock(doc: Doc, caller: Caller, now: number): void {
  if (doc.lock !== null && doc.lock.owner !== caller.principal.id && Date.parse(doc.lock.expiresAt) > now) {
    throw new DockError('doc_locked', `doc ${doc.title} is locked by ${doc.lock.owner} until ${doc.lock.expiresAt}`, { details: { lock: doc.lock } })
  }
}
