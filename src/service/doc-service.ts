import type { CreateDocBody, ReplaceDocBody, WriteSectionBody } from '../api/docs.js'
import { DEFAULT_LEASE_MS } from '../domain/contract.js'
import { DockError } from '../domain/errors.js'
import { newId } from '../domain/ids.js'
import { checkSectionBody, parseSections, PREAMBLE_KEY } from '../domain/markdown-sections.js'
import type { Doc, DockEvent, Lease, Section } from '../domain/types.js'
import { authorize } from './access.js'
import { clampLease } from './claim-helpers.js'
import { findDoc, findPrincipal } from './lookups.js'
import { checkDocLock, checkPrecondition } from './preconditions.js'
import type { ServiceCore } from './service-core.js'
import type { Caller, Precondition } from './service-types.js'

/** Docs split into sections: scoped and preconditioned writes, lanes, the doc lock. */
export class DocService {
  readonly #core: ServiceCore

  constructor(core: ServiceCore) {
    this.#core = core
  }

  async createDoc(caller: Caller, ws: string, input: CreateDocBody): Promise<Doc> {
    authorize(caller, 'doc.create')
    return this.#core.write(caller, ws, async (scope) => {
      if ((await scope.tx.getDoc(scope.workspace.id, input.title)) !== null)
        throw new DockError('already_exists', `doc ${input.title} exists`)
      const revision = scope.nextRevision
      const sections: Section[] = parseSections(input.content).map((s) => ({
        ...s,
        version: 1,
        editedBy: caller.principal.id,
        editedAt: scope.nowIso,
        revision,
        lane: null,
      }))
      const doc: Doc = {
        id: newId('d'),
        workspaceId: scope.workspace.id,
        title: input.title,
        version: 1,
        revision,
        sections,
        lock: null,
        createdBy: caller.principal.id,
        updatedBy: caller.principal.id,
        createdAt: scope.nowIso,
        updatedAt: scope.nowIso,
      }
      await scope.tx.insertDoc(doc)
      await scope.emit('doc.created', { kind: 'doc', id: doc.id, doc: doc.id }, null, doc)
      return doc
    })
  }

  async listDocs(caller: Caller, ws: string): Promise<Doc[]> {
    const w = await this.#core.readWorkspace(caller, ws)
    return this.#core.storage.read((tx) => tx.listDocs(w.id))
  }

  async getDoc(caller: Caller, ws: string, idOrTitle: string): Promise<Doc> {
    const w = await this.#core.readWorkspace(caller, ws)
    return this.#core.storage.read((tx) => findDoc(tx, w.id, idOrTitle))
  }

  /** Whole-doc replace: needs a precondition, keeps the version of every section whose text did not change. */
  async replaceDoc(caller: Caller, ws: string, idOrTitle: string, input: ReplaceDocBody & Precondition): Promise<Doc> {
    authorize(caller, 'doc.write')
    if (input.expectedVersion === undefined && input.ifMatch === undefined) {
      throw new DockError('precondition_required', 'replacing a whole doc needs expectedVersion or If-Match')
    }
    return this.#core.write(caller, ws, async (scope) => {
      const doc = await findDoc(scope.tx, scope.workspace.id, idOrTitle)
      checkPrecondition(doc.version, input, doc, `doc ${doc.title}`)
      checkDocLock(doc, caller, input.lockToken, scope.now)
      const old = new Map(doc.sections.map((s) => [s.key, s]))
      const revision = scope.nextRevision
      const sections: Section[] = parseSections(input.content).map((p) => {
        const prev = old.get(p.key)
        if (prev !== undefined && prev.body === p.body && prev.heading === p.heading && prev.level === p.level)
          return prev
        return {
          ...p,
          version: (prev?.version ?? 0) + 1,
          editedBy: caller.principal.id,
          editedAt: scope.nowIso,
          revision,
          lane: prev?.lane ?? null,
        }
      })
      const touched = new Set([
        ...sections.filter((s) => s.revision === revision).map((s) => s.key),
        ...[...old.keys()].filter((k) => !sections.some((s) => s.key === k)),
      ])
      for (const key of touched) {
        const lane = old.get(key)?.lane ?? null
        if (lane !== null && lane !== caller.principal.id && !caller.principal.roles.includes('operator')) {
          throw new DockError('lane_owned', `section ${key} belongs to ${lane}`, { details: { section: key, lane } })
        }
      }
      const next: Doc = {
        ...doc,
        sections,
        version: doc.version + 1,
        revision,
        updatedBy: caller.principal.id,
        updatedAt: scope.nowIso,
      }
      await scope.tx.updateDoc(next)
      await scope.emit('doc.replaced', { kind: 'doc', id: doc.id, doc: doc.id }, doc, {
        ...next,
        changedSections: [...touched],
      })
      return next
    })
  }

  async getSection(caller: Caller, ws: string, idOrTitle: string, key: string): Promise<Section> {
    const doc = await this.getDoc(caller, ws, idOrTitle)
    const section = doc.sections.find((s) => s.key === key)
    if (section === undefined) throw new DockError('not_found', `doc ${doc.title} has no section ${key}`)
    return section
  }

  /**
   * Scoped write: replaces one section's body and touches nothing else, so
   * writes to different sections never conflict. A new key appends a section.
   */
  async writeSection(
    caller: Caller,
    ws: string,
    idOrTitle: string,
    key: string,
    input: WriteSectionBody & Precondition,
  ): Promise<{ section: Section; doc: { id: string; version: number; revision: number } }> {
    authorize(caller, 'doc.write')
    checkSectionBody(input.body)
    return this.#core.write(caller, ws, async (scope) => {
      const doc = await findDoc(scope.tx, scope.workspace.id, idOrTitle)
      checkDocLock(doc, caller, input.lockToken, scope.now)
      const index = doc.sections.findIndex((s) => s.key === key)
      const prev = index < 0 ? null : doc.sections[index]!
      if (prev === null && key === PREAMBLE_KEY && (input.heading ?? '') !== '') {
        throw new DockError('invalid_input', 'the preamble has no heading')
      }
      checkPrecondition(prev?.version ?? 0, input, prev, `section ${key}`)
      const isOperator = caller.principal.roles.includes('operator')
      if (prev?.lane && prev.lane !== caller.principal.id && !isOperator) {
        throw new DockError('lane_owned', `section ${key} belongs to ${prev.lane}`, {
          details: { current: prev, lane: prev.lane },
        })
      }
      let lane = prev?.lane ?? null
      if (input.lane !== undefined && input.lane !== lane) {
        if (!isOperator && doc.createdBy !== caller.principal.id)
          throw new DockError('forbidden', 'only an operator or the doc creator assigns lanes')
        if (input.lane !== null)
          await findPrincipal(scope.tx, scope.workspace.id, input.lane).then((p) => (lane = p.id))
        else lane = null
      }
      const revision = scope.nextRevision
      const section: Section = {
        key,
        heading: input.heading ?? prev?.heading ?? key,
        level: prev?.level ?? (key === PREAMBLE_KEY ? 0 : 2),
        body: input.body.replace(/\s+$/, ''),
        version: (prev?.version ?? 0) + 1,
        editedBy: caller.principal.id,
        editedAt: scope.nowIso,
        revision,
        lane,
      }
      const sections = [...doc.sections]
      if (index < 0) {
        if (key === PREAMBLE_KEY) sections.unshift(section)
        else sections.push(section)
      } else sections[index] = section
      const next: Doc = {
        ...doc,
        sections,
        version: doc.version + 1,
        revision,
        updatedBy: caller.principal.id,
        updatedAt: scope.nowIso,
      }
      await scope.tx.updateDoc(next)
      await scope.emit('doc.section_written', { kind: 'doc', id: doc.id, doc: doc.id, section: key }, prev, {
        ...section,
        docVersion: next.version,
      })
      return { section, doc: { id: doc.id, version: next.version, revision } }
    })
  }

  /** The log's writes to one section, oldest first. */
  async sectionHistory(caller: Caller, ws: string, idOrTitle: string, key: string): Promise<DockEvent[]> {
    const doc = await this.getDoc(caller, ws, idOrTitle)
    const out: DockEvent[] = []
    let since = 0
    for (;;) {
      const page = await this.#core.storage.read((tx) =>
        tx.listEvents(doc.workspaceId, since, 1000, { docs: [doc.id] }),
      )
      for (const e of page) {
        if (e.target.doc !== doc.id) continue
        if (e.type === 'doc.section_written' && e.target.section === key) out.push(e)
        if (e.type === 'doc.created' && (e.after as Doc).sections.some((s) => s.key === key)) out.push(e)
        if (
          e.type === 'doc.replaced' &&
          ((e.after as { changedSections?: string[] }).changedSections ?? []).includes(key)
        )
          out.push(e)
      }
      if (page.length < 1000) return out
      since = page[page.length - 1]!.revision
    }
  }

  /**
   * Takes the doc lock, or renews the caller's own. The reply's `lock.token` goes
   * with every write under the lock and with the unlock; a renewal issues a new one.
   */
  async lockDoc(caller: Caller, ws: string, idOrTitle: string, leaseMs?: number): Promise<{ doc: Doc; lock: Lease }> {
    authorize(caller, 'doc.lock')
    return this.#core.write(caller, ws, async (scope) => {
      const doc = await findDoc(scope.tx, scope.workspace.id, idOrTitle)
      if (doc.lock !== null && doc.lock.owner !== caller.principal.id && Date.parse(doc.lock.expiresAt) > scope.now) {
        throw new DockError(
          'doc_locked',
          `doc ${doc.title} is locked by ${doc.lock.owner} until ${doc.lock.expiresAt}`,
          { details: { lock: doc.lock } },
        )
      }
      const lock: Lease = {
        owner: caller.principal.id,
        token: scope.nextRevision,
        expiresAt: new Date(scope.now + clampLease(leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
      }
      const next: Doc = {
        ...doc,
        lock,
        version: doc.version + 1,
        revision: scope.nextRevision,
        updatedBy: caller.principal.id,
        updatedAt: scope.nowIso,
      }
      await scope.tx.updateDoc(next)
      await scope.emit('doc.locked', { kind: 'doc', id: doc.id, doc: doc.id }, doc.lock, lock)
      return { doc: next, lock }
    })
  }

  /**
   * Gives the lock back. The holder shows the lock's token, so a stale holder cannot
   * end its successor's lock; an operator may break a live lock without it, and
   * anyone may clear one that has run out.
   */
  async unlockDoc(caller: Caller, ws: string, idOrTitle: string, token?: number): Promise<Doc> {
    authorize(caller, 'doc.lock')
    return this.#core.write(caller, ws, async (scope) => {
      const doc = await findDoc(scope.tx, scope.workspace.id, idOrTitle)
      // Nothing to protect: a retried unlock, or a stale holder's after its successor unlocked.
      if (doc.lock === null) return doc
      const live = Date.parse(doc.lock.expiresAt) > scope.now
      const isOperator = caller.principal.roles.includes('operator')
      const holder = doc.lock.owner === caller.principal.id
      if (live) {
        if (!holder) {
          if (!isOperator)
            throw new DockError('doc_locked', `doc ${doc.title} is locked by ${doc.lock.owner}`, {
              details: { lock: doc.lock },
            })
        } else if (token !== doc.lock.token) {
          if (token !== undefined) throw lockEnded(doc, token)
          if (!isOperator)
            throw new DockError('precondition_required', 'unlocking needs the token the lock returned', {
              details: { lock: doc.lock },
            })
        }
      } else if (token !== undefined && (token !== doc.lock.token || !holder)) {
        throw lockEnded(doc, token)
      }
      const next: Doc = {
        ...doc,
        lock: null,
        version: doc.version + 1,
        revision: scope.nextRevision,
        updatedBy: caller.principal.id,
        updatedAt: scope.nowIso,
      }
      await scope.tx.updateDoc(next)
      await scope.emit('doc.unlocked', { kind: 'doc', id: doc.id, doc: doc.id }, doc.lock, null)
      return next
    })
  }
}

function lockEnded(doc: Doc, token: number): DockError {
  return new DockError('lease_expired', `the lock of token ${token} on doc ${doc.title} has ended; lock again`, {
    details: { lock: doc.lock },
  })
}
