import { verify as verifySignature, createPublicKey } from 'node:crypto'

import { checkValue, DEFAULT_LEASE_MS, MAX_LEASE_MS, normalizeContract, type WorkflowInput } from '../domain/contract.js'
import { DockError } from '../domain/errors.js'
import { hashEvent, hashKey } from '../domain/event-hash.js'
import { newId, newKey } from '../domain/ids.js'
import { parseSections, PREAMBLE_KEY, renderSections } from '../domain/markdown-sections.js'
import { checkFencing, findTransition, hasLiveClaim, hasSkills } from '../domain/row-rules.js'
import {
  GENESIS_HASH,
  SYSTEM_ACTOR,
  type Budget,
  type Column,
  type Doc,
  type DockEvent,
  type Lease,
  type Principal,
  type Role,
  type Row,
  type Section,
  type Table,
  type Workspace,
} from '../domain/types.js'
import type { PrincipalRecord, Storage, Tx, WorkspaceRecord } from '../storage/storage.js'
import { BudgetMeter } from './budget-meter.js'
import { ChangeHub } from './change-hub.js'
import { eventMatches, type EventFilter } from './event-filter.js'
import { WriteScope } from './write-scope.js'

/** Who is asking: resolved from the bearer key by `authenticate`. */
export interface Caller {
  readonly principal: PrincipalRecord
  readonly requestId?: string | null
  /** Ed25519 signature (base64) over `signedPayload`, when the client signed. */
  readonly signature?: string | null
  readonly signedPayload?: string | null
}

export interface Precondition {
  /** From the body: mismatch → 409 version_conflict. */
  readonly expectedVersion?: number | undefined
  /** From `If-Match`: mismatch → 412 precondition_failed. */
  readonly ifMatch?: number | undefined
}

export interface ClaimResult {
  readonly row: Row
  readonly lease: { readonly token: number; readonly expiresAt: string }
}

export interface PrincipalView extends Principal {
  readonly openClaims: readonly { table: string; id: string; status: string; leaseExpiresAt: string | null; fencingToken: number }[]
  readonly budgetUsed: number
}

export interface EventPage {
  readonly items: DockEvent[]
  /** The workspace's current revision. */
  readonly revision: number
  /** Pass as `since` to continue after what was scanned (filters may skip revisions). */
  readonly nextSince: number
}

export interface AuditReport {
  readonly ok: boolean
  readonly checked: number
  readonly headRevision: number
  readonly firstBreak: { readonly revision: number; readonly reason: string } | null
}

export interface DockServiceOptions {
  readonly storage: Storage
  /** Injectable clock, for lease tests. */
  readonly now?: () => number
}

const WRITE_ROLES: readonly Role[] = ['operator', 'member']
const CLAIM_SCAN_PAGE = 64

/**
 * Dock's rules in one place: every edge (HTTP, MCP, CLI) calls this, and this
 * alone calls storage. Each write runs in one store transaction that appends
 * its events, so state and log can never disagree.
 */
export class DockService {
  readonly storage: Storage
  readonly hub: ChangeHub
  readonly #now: () => number
  readonly #budget = new BudgetMeter()
  readonly #suspendListeners = new Set<(principalId: string) => void>()

  constructor(options: DockServiceOptions) {
    this.storage = options.storage
    this.#now = options.now ?? Date.now
    this.hub = new ChangeHub(options.storage)
  }

  now(): number {
    return this.#now()
  }

  async close(): Promise<void> {
    this.hub.close()
    await this.storage.close()
  }

  /** Called when a principal is suspended on this node, so edges can close its streams at once. */
  onSuspend(listener: (principalId: string) => void): () => void {
    this.#suspendListeners.add(listener)
    return () => this.#suspendListeners.delete(listener)
  }

  // ---------------------------------------------------------------- bootstrap and identity

  /**
   * On an empty store, creates workspace `default` and its operator. Returns
   * the operator key when one was generated (null if `operatorToken` was given
   * or the store was already set up).
   */
  async bootstrap(operatorToken?: string): Promise<{ created: boolean; operatorKey: string | null }> {
    const existing = await this.storage.read((tx) => tx.listWorkspaces())
    if (existing.length > 0) {
      if (operatorToken !== undefined && operatorToken !== '') await this.#ensureOperatorToken(existing[0]!, operatorToken)
      return { created: false, operatorKey: null }
    }
    const key = operatorToken !== undefined && operatorToken !== '' ? operatorToken : newKey()
    try {
      await this.#createWorkspaceWithOperator('default', key, null)
    } catch (err) {
      // Another node bootstrapped first.
      if (err instanceof DockError && err.code === 'already_exists') return { created: false, operatorKey: null }
      throw err
    }
    return { created: true, operatorKey: operatorToken ? null : key }
  }

  /** DOCK_OPERATOR_TOKEN set on a later start still signs in: it becomes a key of an operator. */
  async #ensureOperatorToken(ws: WorkspaceRecord, token: string): Promise<void> {
    const keyHash = hashKey(token)
    const found = await this.storage.read((tx) => tx.getPrincipalByKeyHash(keyHash))
    if (found !== null) return
    await this.storage.write(ws.id, async (tx) => {
      const current = await tx.getWorkspace(ws.id)
      // Several nodes may start together with the same token: only the first adds it.
      if (current === null || (await tx.getPrincipalByKeyHash(keyHash)) !== null) return
      const scope = new WriteScope({ tx, workspace: current, actor: SYSTEM_ACTOR, requestId: null, signature: null, now: this.#now() })
      let name = 'operator'
      for (let n = 2; (await tx.getPrincipalByName(ws.id, name)) !== null; n++) name = `operator-${n}`
      const p = this.#newPrincipal(ws.id, { name, kind: 'human', roles: ['operator'], skills: [] }, keyHash, null, scope.nowIso)
      await tx.insertPrincipal(p)
      await scope.emit('principal.created', { kind: 'principal', id: p.id }, null, publicPrincipal(p))
      await scope.flush()
    })
  }

  async authenticate(token: string | undefined): Promise<PrincipalRecord> {
    if (token === undefined || token === '') throw new DockError('unauthorized', 'missing bearer key')
    const p = await this.storage.read((tx) => tx.getPrincipalByKeyHash(hashKey(token)))
    if (p === null) throw new DockError('unauthorized', 'unknown key')
    if (p.status === 'suspended') throw new DockError('principal_suspended', `principal ${p.name} is suspended`)
    return p
  }

  /** Re-reads the caller: long-lived streams call this so a suspension ends them. */
  async authenticateAgain(caller: Caller): Promise<void> {
    const p = await this.storage.read((tx) => tx.getPrincipal(caller.principal.workspaceId, caller.principal.id))
    if (p === null) throw new DockError('unauthorized', 'unknown principal')
    if (p.status === 'suspended') throw new DockError('principal_suspended', `principal ${p.name} is suspended`)
  }

  async me(caller: Caller): Promise<{ principal: Principal; workspace: Workspace }> {
    const ws = await this.#readWorkspace(caller, caller.principal.workspaceId)
    return { principal: publicPrincipal(caller.principal), workspace: publicWorkspace(ws) }
  }

  async createWorkspace(caller: Caller, name: string): Promise<{ workspace: Workspace; operator: { principal: Principal; key: string } }> {
    requireRole(caller, 'operator')
    const key = newKey()
    const { workspace, principal } = await this.#createWorkspaceWithOperator(name, key, caller.principal.id)
    return { workspace, operator: { principal, key } }
  }

  async #createWorkspaceWithOperator(name: string, key: string, createdBy: string | null): Promise<{ workspace: Workspace; principal: Principal }> {
    const id = newId('w')
    return this.storage.write(id, async (tx) => {
      if ((await tx.getWorkspace(name)) !== null) throw new DockError('already_exists', `workspace ${name} exists`)
      const now = this.#now()
      const ws: WorkspaceRecord = { id, name, revision: 0, headHash: GENESIS_HASH, frozen: false, createdAt: new Date(now).toISOString() }
      await tx.insertWorkspace(ws)
      const scope = new WriteScope({ tx, workspace: ws, actor: createdBy ?? SYSTEM_ACTOR, requestId: null, signature: null, now })
      await scope.emit('workspace.created', { kind: 'workspace', id }, null, publicWorkspace(ws))
      const p = this.#newPrincipal(id, { name: 'operator', kind: 'human', roles: ['operator'], skills: [] }, hashKey(key), createdBy, scope.nowIso)
      await tx.insertPrincipal(p)
      await scope.emit('principal.created', { kind: 'principal', id: p.id }, null, publicPrincipal(p))
      await scope.flush()
      return { workspace: publicWorkspace(scope.workspace), principal: publicPrincipal(p) }
    })
  }

  async getWorkspace(caller: Caller, ws: string): Promise<Workspace> {
    return publicWorkspace(await this.#readWorkspace(caller, ws))
  }

  async createPrincipal(
    caller: Caller,
    ws: string,
    input: { name: string; kind?: 'human' | 'agent'; roles?: Role[]; skills?: string[]; budget?: Budget; publicKey?: string | null },
  ): Promise<{ principal: Principal; key: string }> {
    requireRole(caller, 'operator')
    if (input.publicKey) checkPublicKey(input.publicKey)
    const key = newKey()
    return this.#write(caller, ws, {}, async (scope) => {
      if ((await scope.tx.getPrincipalByName(scope.workspace.id, input.name)) !== null) {
        throw new DockError('already_exists', `principal ${input.name} exists`)
      }
      const p = this.#newPrincipal(
        scope.workspace.id,
        { name: input.name, kind: input.kind ?? 'agent', roles: input.roles ?? ['member'], skills: input.skills ?? [], budget: input.budget, publicKey: input.publicKey ?? null },
        hashKey(key),
        caller.principal.id,
        scope.nowIso,
      )
      await scope.tx.insertPrincipal(p)
      await scope.emit('principal.created', { kind: 'principal', id: p.id }, null, publicPrincipal(p))
      return { principal: publicPrincipal(p), key }
    })
  }

  #newPrincipal(
    workspaceId: string,
    input: { name: string; kind: 'human' | 'agent'; roles: Role[]; skills: string[]; budget?: Budget | undefined; publicKey?: string | null },
    keyHash: string,
    createdBy: string | null,
    nowIso: string,
  ): PrincipalRecord {
    return {
      id: newId('p'),
      workspaceId,
      name: input.name,
      kind: input.kind,
      roles: [...new Set(input.roles)],
      skills: [...new Set(input.skills)],
      status: 'active',
      budget: input.budget ?? { writesPerMinute: null },
      publicKey: input.publicKey ?? null,
      createdAt: nowIso,
      createdBy,
      keyHash,
    }
  }

  async listPrincipals(caller: Caller, ws: string): Promise<PrincipalView[]> {
    const w = await this.#readWorkspace(caller, ws)
    return this.storage.read(async (tx) => {
      const principals = await tx.listPrincipals(w.id)
      const claims = await this.#openClaims(tx, w.id)
      return principals.map((p) => this.#principalView(p, claims))
    })
  }

  async getPrincipal(caller: Caller, ws: string, idOrName: string): Promise<PrincipalView> {
    const w = await this.#readWorkspace(caller, ws)
    return this.storage.read(async (tx) => {
      const p = (await tx.getPrincipal(w.id, idOrName)) ?? (await tx.getPrincipalByName(w.id, idOrName))
      if (p === null) throw new DockError('not_found', `no principal ${idOrName}`)
      return this.#principalView(p, await this.#openClaims(tx, w.id, p.id))
    })
  }

  async #openClaims(tx: Tx, workspaceId: string, owner?: string): Promise<Row[]> {
    const out: Row[] = []
    for (const t of await tx.listTables(workspaceId)) {
      if (t.workflow.claim === null) continue
      const rows = await tx.queryRows({ workspaceId, table: t.name, statuses: [t.workflow.claim.to], order: 'seq', limit: 10_000, ...(owner ? { owner } : {}) })
      out.push(...rows.filter((r) => r.owner !== null))
    }
    return out
  }

  #principalView(p: PrincipalRecord, claims: readonly Row[]): PrincipalView {
    return {
      ...publicPrincipal(p),
      openClaims: claims
        .filter((r) => r.owner === p.id)
        .map((r) => ({ table: r.table, id: r.id, status: r.status, leaseExpiresAt: r.leaseExpiresAt, fencingToken: r.fencingToken })),
      budgetUsed: this.#budget.used(p.id, this.#now()),
    }
  }

  /** Kill switch: refuses the principal's next request, closes its streams, releases its leases. */
  async suspend(caller: Caller, ws: string, idOrName: string): Promise<Principal> {
    requireRole(caller, 'operator')
    const result = await this.#write(caller, ws, { operatorAuthority: true }, async (scope) => {
      const p = await findPrincipal(scope.tx, scope.workspace.id, idOrName)
      if (p.id === caller.principal.id) throw new DockError('forbidden', 'an operator cannot suspend itself')
      if (p.status === 'suspended') return publicPrincipal(p)
      const next: PrincipalRecord = { ...p, status: 'suspended' }
      await scope.tx.updatePrincipal(next)
      await scope.emit('principal.suspended', { kind: 'principal', id: p.id }, publicPrincipal(p), publicPrincipal(next))
      for (const row of await this.#openClaims(scope.tx, scope.workspace.id, p.id)) {
        const table = await scope.tx.getTable(scope.workspace.id, row.table)
        if (table === null) continue
        await this.#releaseRow(scope, table, row)
      }
      return publicPrincipal(next)
    })
    for (const l of this.#suspendListeners) l(result.id)
    return result
  }

  async resume(caller: Caller, ws: string, idOrName: string): Promise<Principal> {
    requireRole(caller, 'operator')
    return this.#write(caller, ws, { operatorAuthority: true }, async (scope) => {
      const p = await findPrincipal(scope.tx, scope.workspace.id, idOrName)
      if (p.status === 'active') return publicPrincipal(p)
      const next: PrincipalRecord = { ...p, status: 'active' }
      await scope.tx.updatePrincipal(next)
      await scope.emit('principal.resumed', { kind: 'principal', id: p.id }, publicPrincipal(p), publicPrincipal(next))
      return publicPrincipal(next)
    })
  }

  async setFrozen(caller: Caller, ws: string, frozen: boolean): Promise<Workspace> {
    requireRole(caller, 'operator')
    return this.#write(caller, ws, { operatorAuthority: true }, async (scope) => {
      if (scope.workspace.frozen === frozen) return publicWorkspace(scope.workspace)
      const before = publicWorkspace(scope.workspace)
      scope.setFrozen(frozen)
      await scope.emit(frozen ? 'workspace.frozen' : 'workspace.unfrozen', { kind: 'workspace', id: scope.workspace.id }, before, {
        ...before,
        frozen,
      })
      return publicWorkspace(scope.workspace)
    })
  }

  // ---------------------------------------------------------------- tables

  async createTable(caller: Caller, ws: string, input: { name: string; columns: Column[]; workflow: WorkflowInput }): Promise<Table> {
    requireAnyRole(caller, WRITE_ROLES)
    const { columns, workflow } = normalizeContract(input.columns, input.workflow)
    return this.#write(caller, ws, {}, async (scope) => {
      if ((await scope.tx.getTable(scope.workspace.id, input.name)) !== null) {
        throw new DockError('already_exists', `table ${input.name} exists`)
      }
      await this.#checkRefColumns(scope.tx, scope.workspace.id, columns, input.name)
      const table: Table = {
        id: newId('t'),
        workspaceId: scope.workspace.id,
        name: input.name,
        contractVersion: 1,
        columns,
        workflow,
        createdAt: scope.nowIso,
        createdBy: caller.principal.id,
      }
      await scope.tx.insertTable(table)
      await scope.emit('table.created', { kind: 'table', id: table.id, table: table.name }, null, table)
      return table
    })
  }

  async #checkRefColumns(tx: Tx, workspaceId: string, columns: readonly Column[], self: string): Promise<void> {
    for (const c of columns) {
      if (c.type === 'ref' && c.table !== self && (await tx.getTable(workspaceId, c.table ?? '')) === null) {
        throw new DockError('invalid_input', `column ${c.name} refers to unknown table ${c.table}`)
      }
    }
  }

  async listTables(caller: Caller, ws: string): Promise<Table[]> {
    const w = await this.#readWorkspace(caller, ws)
    return this.storage.read((tx) => tx.listTables(w.id))
  }

  async getTable(caller: Caller, ws: string, name: string): Promise<Table> {
    const w = await this.#readWorkspace(caller, ws)
    return this.storage.read((tx) => findTable(tx, w.id, name))
  }

  /** Publishes a new contract version; rows written against the old one are refused if they pin it. */
  async publishSchema(
    caller: Caller,
    ws: string,
    name: string,
    input: { columns: Column[]; workflow: WorkflowInput; expectedVersion?: number | undefined },
  ): Promise<Table> {
    requireAnyRole(caller, WRITE_ROLES)
    const { columns, workflow } = normalizeContract(input.columns, input.workflow)
    return this.#write(caller, ws, {}, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, name)
      if (input.expectedVersion !== undefined && input.expectedVersion !== table.contractVersion) {
        throw new DockError('version_conflict', `table ${name} is at contract version ${table.contractVersion}`, { details: { current: table } })
      }
      await this.#checkRefColumns(scope.tx, scope.workspace.id, columns, name)
      const next: Table = { ...table, contractVersion: table.contractVersion + 1, columns, workflow }
      await scope.tx.updateTable(next)
      await scope.emit('table.schema_published', { kind: 'table', id: table.id, table: name }, table, next)
      return next
    })
  }

  // ---------------------------------------------------------------- rows

  async createRow(
    caller: Caller,
    ws: string,
    tableName: string,
    input: { values: Record<string, unknown>; blockedBy?: string[]; requiredSkills?: string[]; priority?: number; contractVersion?: number },
  ): Promise<Row> {
    requireAnyRole(caller, WRITE_ROLES)
    return this.#write(caller, ws, {}, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      checkContractPin(table, input.contractVersion)
      const statusColumn = table.workflow.statusColumn
      const given = input.values[statusColumn]
      if (given !== undefined && given !== table.workflow.initial) {
        throw new DockError('transition_not_allowed', `rows start in status ${table.workflow.initial}; move them with a transition`)
      }
      const values = await this.#validateValues(scope.tx, table, { ...input.values, [statusColumn]: table.workflow.initial }, true)
      const blockedBy = await this.#checkBlockers(scope.tx, scope.workspace.id, input.blockedBy ?? [], null)
      const revision = scope.nextRevision
      const row: Row = {
        id: newId('r'),
        workspaceId: scope.workspace.id,
        table: table.name,
        values,
        status: table.workflow.initial,
        version: 1,
        revision,
        contractVersion: table.contractVersion,
        createdBy: caller.principal.id,
        updatedBy: caller.principal.id,
        createdAt: scope.nowIso,
        updatedAt: scope.nowIso,
        owner: null,
        leaseExpiresAt: null,
        fencingToken: 0,
        attempts: 0,
        author: caller.principal.id,
        claimedFrom: null,
        blockedBy,
        requiredSkills: [...new Set(input.requiredSkills ?? [])],
        priority: input.priority ?? 0,
        seq: await scope.tx.nextRowSeq(scope.workspace.id),
      }
      await scope.tx.insertRow(row)
      await scope.emit('row.created', rowTarget(row), null, row)
      return row
    })
  }

  async getRow(caller: Caller, ws: string, tableName: string, id: string): Promise<Row> {
    const w = await this.#readWorkspace(caller, ws)
    return this.storage.read((tx) => findRow(tx, w.id, tableName, id))
  }

  async listRows(
    caller: Caller,
    ws: string,
    tableName: string,
    q: { statuses?: string[]; owner?: string; ready?: boolean; limit: number; cursor?: string },
  ): Promise<{ items: Row[]; nextCursor: string | null }> {
    const w = await this.#readWorkspace(caller, ws)
    const now = this.#now()
    return this.storage.read(async (tx) => {
      const table = await findTable(tx, w.id, tableName)
      let afterSeq = q.cursor === undefined ? 0 : decodeCursor(q.cursor)
      let owner = q.owner
      if (owner !== undefined) {
        const p = (await tx.getPrincipal(w.id, owner)) ?? (await tx.getPrincipalByName(w.id, owner))
        owner = p?.id ?? owner
      }
      let statuses = q.statuses
      if (q.ready === true) {
        const claimable = table.workflow.claim?.from ?? [table.workflow.initial]
        statuses = statuses === undefined ? [...claimable] : statuses.filter((s) => claimable.includes(s))
      }
      const items: Row[] = []
      // `ready` filters after the query (blockers live in other rows), so keep paging until the page is full.
      for (;;) {
        const batch = await tx.queryRows({
          workspaceId: w.id,
          table: table.name,
          order: 'seq',
          afterSeq,
          limit: q.limit,
          ...(statuses !== undefined ? { statuses } : {}),
          ...(owner !== undefined ? { owner } : {}),
          ...(q.ready === true ? { unownedAt: now } : {}),
        })
        for (const row of batch) {
          afterSeq = row.seq
          if (q.ready === true && !(await this.#blockersDone(tx, w.id, row, table))) continue
          items.push(row)
          if (items.length === q.limit) break
        }
        if (items.length === q.limit || batch.length < q.limit) {
          const more = items.length === q.limit
          return { items, nextCursor: more ? encodeCursor(afterSeq) : null }
        }
      }
    })
  }

  async updateRow(
    caller: Caller,
    ws: string,
    tableName: string,
    id: string,
    input: {
      values?: Record<string, unknown>
      blockedBy?: string[]
      requiredSkills?: string[]
      priority?: number
      fencingToken?: number
      contractVersion?: number
    } & Precondition,
  ): Promise<Row> {
    return this.#write(caller, ws, {}, async (scope) => {
      const row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      checkPrecondition(row.version, input, row, `row ${row.id}`)
      checkContractPin(table, input.contractVersion)
      this.#checkRowWriter(row, caller, input.fencingToken, scope.now)
      const statusColumn = table.workflow.statusColumn
      if (input.values !== undefined && statusColumn in input.values && input.values[statusColumn] !== row.status) {
        throw new DockError('transition_not_allowed', 'status changes only through claim, release or transition')
      }
      const merged: Record<string, unknown> = { ...row.values }
      for (const [k, v] of Object.entries(input.values ?? {})) merged[k] = v
      const values = await this.#validateValues(scope.tx, table, merged, false)
      const blockedBy = input.blockedBy === undefined ? row.blockedBy : await this.#checkBlockers(scope.tx, scope.workspace.id, input.blockedBy, row.id)
      const next: Row = {
        ...row,
        values,
        blockedBy,
        requiredSkills: input.requiredSkills === undefined ? row.requiredSkills : [...new Set(input.requiredSkills)],
        priority: input.priority ?? row.priority,
        contractVersion: table.contractVersion,
        ...bump(row, scope, caller),
      }
      await scope.tx.updateRow(next)
      await scope.emit('row.updated', rowTarget(next), row, next)
      return next
    })
  }

  /**
   * A non-owner may not write a row someone holds (one owner); the owner must
   * show its fencing token. Operators may step in on a held row.
   */
  #checkRowWriter(row: Row, caller: Caller, token: number | undefined, now: number): void {
    const isOwner = row.owner === caller.principal.id
    if (isOwner || token !== undefined) {
      checkFencing(row, caller.principal, token, now)
      return
    }
    if (hasLiveClaim(row, now) && !caller.principal.roles.includes('operator')) {
      throw new DockError('already_claimed', `row ${row.id} is claimed by ${row.owner}`, { details: { current: row } })
    }
  }

  async claim(caller: Caller, ws: string, tableName: string, id: string, leaseMs?: number): Promise<ClaimResult> {
    return this.#write(caller, ws, {}, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const rule = claimRule(table)
      let row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      if (row.owner !== null && !hasLiveClaim(row, scope.now)) row = await this.#expireLease(scope, table, row)
      if (row.owner !== null) {
        throw new DockError('already_claimed', `row ${row.id} is claimed by ${row.owner}`, { details: { current: row } })
      }
      if (!rule.from.includes(row.status)) {
        throw new DockError('transition_not_allowed', `row ${row.id} is ${row.status}; claims start from ${rule.from.join(', ')}`, {
          details: { current: row },
        })
      }
      if (!(await this.#blockersDone(scope.tx, scope.workspace.id, row, table))) {
        throw new DockError('transition_not_allowed', `row ${row.id} is blocked by unfinished rows`, { details: { current: row, blockedBy: row.blockedBy } })
      }
      if (!hasSkills(row, caller.principal)) {
        throw new DockError('forbidden', `row ${row.id} needs skills ${row.requiredSkills.join(', ')}`, { details: { current: row } })
      }
      return this.#takeClaim(scope, table, row, caller, leaseMs)
    })
  }

  /** The highest-priority, oldest claimable row whose blockers are done and whose skills the caller has; null when none. */
  async claimNext(
    caller: Caller,
    ws: string,
    tableName: string,
    opts: { leaseMs?: number; where?: Record<string, unknown> },
  ): Promise<ClaimResult | null> {
    return this.#write(caller, ws, {}, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const rule = claimRule(table)
      // Rows whose lease ran out count as claimable again, so settle them first.
      for (const expired of await scope.tx.listExpiredLeases(scope.workspace.id, scope.now, 100)) {
        if (expired.table !== table.name) continue
        await this.#expireLease(scope, table, expired)
      }
      let afterKey: { priority: number; seq: number } | undefined
      for (;;) {
        const batch = await scope.tx.queryRows({
          workspaceId: scope.workspace.id,
          table: table.name,
          statuses: rule.from,
          unownedAt: scope.now,
          order: 'claim',
          limit: CLAIM_SCAN_PAGE,
          ...(afterKey ? { afterKey } : {}),
        })
        for (const row of batch) {
          afterKey = { priority: row.priority, seq: row.seq }
          if (row.owner !== null && hasLiveClaim(row, scope.now)) continue
          if (opts.where !== undefined && !Object.entries(opts.where).every(([k, v]) => row.values[k] === v)) continue
          if (!hasSkills(row, caller.principal)) continue
          if (!(await this.#blockersDone(scope.tx, scope.workspace.id, row, table))) continue
          return this.#takeClaim(scope, table, row, caller, opts.leaseMs)
        }
        if (batch.length < CLAIM_SCAN_PAGE) return null
      }
    })
  }

  async #takeClaim(scope: WriteScope, table: Table, row: Row, caller: Caller, leaseMs: number | undefined): Promise<ClaimResult> {
    const rule = claimRule(table)
    const ms = clampLease(leaseMs ?? rule.leaseMs)
    // The claim's revision is unique and ever-increasing in the workspace, so it is a fencing token larger than any before it.
    const token = scope.nextRevision
    const expiresAt = new Date(scope.now + ms).toISOString()
    const next: Row = {
      ...row,
      status: rule.to,
      values: { ...row.values, [table.workflow.statusColumn]: rule.to },
      owner: caller.principal.id,
      leaseExpiresAt: expiresAt,
      fencingToken: token,
      attempts: row.attempts + 1,
      author: caller.principal.id,
      claimedFrom: row.status,
      ...bump(row, scope, caller),
    }
    await scope.tx.updateRow(next)
    await scope.emit('row.claimed', rowTarget(next), row, next)
    return { row: next, lease: { token, expiresAt } }
  }

  async heartbeat(caller: Caller, ws: string, tableName: string, id: string, input: { fencingToken: number; leaseMs?: number }): Promise<ClaimResult> {
    return this.#write(caller, ws, {}, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      checkFencing(row, caller.principal, input.fencingToken, scope.now)
      const ms = clampLease(input.leaseMs ?? claimRule(table).leaseMs)
      const expiresAt = new Date(scope.now + ms).toISOString()
      const next: Row = { ...row, leaseExpiresAt: expiresAt, ...bump(row, scope, caller) }
      await scope.tx.updateRow(next)
      await scope.emit('row.heartbeat', rowTarget(next), row, next)
      return { row: next, lease: { token: next.fencingToken, expiresAt } }
    })
  }

  async release(caller: Caller, ws: string, tableName: string, id: string, input: { fencingToken: number }): Promise<Row> {
    return this.#write(caller, ws, {}, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      checkFencing(row, caller.principal, input.fencingToken, scope.now)
      return this.#releaseRow(scope, table, row)
    })
  }

  async #releaseRow(scope: WriteScope, table: Table, row: Row): Promise<Row> {
    const back = row.claimedFrom ?? claimRule(table).from[0] ?? table.workflow.initial
    const next: Row = {
      ...row,
      status: back,
      values: { ...row.values, [table.workflow.statusColumn]: back },
      owner: null,
      leaseExpiresAt: null,
      claimedFrom: null,
      ...bump(row, scope, null),
    }
    await scope.tx.updateRow(next)
    await scope.emit('row.released', rowTarget(next), row, next)
    return next
  }

  async transition(
    caller: Caller,
    ws: string,
    tableName: string,
    id: string,
    input: { to: string; fencingToken?: number; values?: Record<string, unknown> } & Precondition,
  ): Promise<Row> {
    return this.#write(caller, ws, {}, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      checkPrecondition(row.version, input, row, `row ${row.id}`)
      if (!table.workflow.statuses.includes(input.to)) {
        throw new DockError('invalid_input', `table ${table.name} has no status ${input.to}`)
      }
      this.#checkRowWriter(row, caller, input.fencingToken, scope.now)
      findTransition(table, row, input.to, caller.principal, scope.now)
      const statusColumn = table.workflow.statusColumn
      const merged: Record<string, unknown> = { ...row.values, ...(input.values ?? {}), [statusColumn]: input.to }
      const values = await this.#validateValues(scope.tx, table, merged, false)
      const keepsClaim = table.workflow.claim !== null && input.to === table.workflow.claim.to && row.owner !== null
      const next: Row = {
        ...row,
        status: input.to,
        values,
        ...(keepsClaim ? {} : { owner: null, leaseExpiresAt: null, claimedFrom: null }),
        ...bump(row, scope, caller),
      }
      await scope.tx.updateRow(next)
      await scope.emit('row.transitioned', rowTarget(next), row, next)
      return next
    })
  }

  /**
   * Returns every expired lease of the workspace to its claimable status, or
   * to the dead-letter status once the attempts are spent, logging each.
   */
  async sweepLeases(workspaceId: string): Promise<Row[]> {
    const now = this.#now()
    const due = await this.storage.read((tx) => tx.listExpiredLeases(workspaceId, now, 1))
    if (due.length === 0) return []
    return this.storage.write(workspaceId, async (tx) => {
      const ws = await tx.getWorkspace(workspaceId)
      if (ws === null || ws.frozen) return []
      const scope = new WriteScope({ tx, workspace: ws, actor: SYSTEM_ACTOR, requestId: null, signature: null, now })
      const out: Row[] = []
      for (const row of await tx.listExpiredLeases(workspaceId, now, 500)) {
        const table = await tx.getTable(workspaceId, row.table)
        if (table === null) continue
        out.push(await this.#expireLease(scope, table, row))
      }
      await scope.flush()
      return out
    })
  }

  async sweepAllLeases(): Promise<number> {
    let n = 0
    for (const ws of await this.storage.read((tx) => tx.listWorkspaces())) n += (await this.sweepLeases(ws.id)).length
    return n
  }

  async #expireLease(scope: WriteScope, table: Table, row: Row): Promise<Row> {
    const rule = claimRule(table)
    const dead = row.attempts >= rule.maxAttempts
    const to = dead ? rule.deadLetter : (row.claimedFrom ?? rule.from[0] ?? table.workflow.initial)
    const next: Row = {
      ...row,
      status: to,
      values: { ...row.values, [table.workflow.statusColumn]: to },
      owner: null,
      leaseExpiresAt: null,
      claimedFrom: null,
      version: row.version + 1,
      revision: scope.nextRevision,
      updatedAt: scope.nowIso,
    }
    await scope.tx.updateRow(next)
    await scope.emit('row.lease_expired', rowTarget(next), row, { ...next, deadLettered: dead })
    return next
  }

  async #blockersDone(tx: Tx, workspaceId: string, row: Row, table: Table): Promise<boolean> {
    if (row.blockedBy.length === 0) return true
    const blockers = await tx.getRows(workspaceId, row.blockedBy)
    if (blockers.length < row.blockedBy.length) return false
    const doneByTable = new Map<string, readonly string[]>([[table.name, table.workflow.done]])
    for (const b of blockers) {
      let done = doneByTable.get(b.table)
      if (done === undefined) {
        done = (await tx.getTable(workspaceId, b.table))?.workflow.done ?? []
        doneByTable.set(b.table, done)
      }
      if (!done.includes(b.status)) return false
    }
    return true
  }

  async #checkBlockers(tx: Tx, workspaceId: string, ids: readonly string[], self: string | null): Promise<string[]> {
    const unique = [...new Set(ids)]
    if (self !== null && unique.includes(self)) throw new DockError('invalid_input', 'a row cannot block itself')
    const found = await tx.getRows(workspaceId, unique)
    if (found.length !== unique.length) {
      const known = new Set(found.map((r) => r.id))
      throw new DockError('invalid_input', `blockedBy names unknown rows: ${unique.filter((i) => !known.has(i)).join(', ')}`)
    }
    return unique
  }

  async #validateValues(tx: Tx, table: Table, values: Record<string, unknown>, creating: boolean): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {}
    const problems: string[] = []
    const known = new Map(table.columns.map((c) => [c.name, c]))
    for (const key of Object.keys(values)) if (!known.has(key)) problems.push(`unknown column "${key}"`)
    for (const col of table.columns) {
      let v = values[col.name]
      if (v === undefined && creating && col.default !== undefined) v = col.default
      if (v === undefined || v === null) {
        if (col.required === true) problems.push(`"${col.name}" is required`)
        continue
      }
      const err = checkValue(col, v)
      if (err !== null) {
        problems.push(`"${col.name}" ${err}`)
        continue
      }
      if (col.type === 'principal' && (await tx.getPrincipal(table.workspaceId, v as string)) === null) {
        problems.push(`"${col.name}" names no principal of this workspace`)
      }
      if (col.type === 'ref') {
        const target = await tx.getRow(table.workspaceId, v as string)
        if (target === null || target.table !== col.table) problems.push(`"${col.name}" names no row of table ${col.table}`)
      }
      out[col.name] = v
    }
    if (problems.length > 0) throw new DockError('invalid_input', problems.join('; '), { details: { problems } })
    return out
  }

  // ---------------------------------------------------------------- docs

  async createDoc(caller: Caller, ws: string, input: { title: string; content: string }): Promise<Doc> {
    requireAnyRole(caller, WRITE_ROLES)
    return this.#write(caller, ws, {}, async (scope) => {
      if ((await scope.tx.getDoc(scope.workspace.id, input.title)) !== null) throw new DockError('already_exists', `doc ${input.title} exists`)
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
    const w = await this.#readWorkspace(caller, ws)
    return this.storage.read((tx) => tx.listDocs(w.id))
  }

  async getDoc(caller: Caller, ws: string, idOrTitle: string): Promise<Doc> {
    const w = await this.#readWorkspace(caller, ws)
    return this.storage.read((tx) => findDoc(tx, w.id, idOrTitle))
  }

  /** Whole-doc replace: needs a precondition, keeps the version of every section whose text did not change. */
  async replaceDoc(caller: Caller, ws: string, idOrTitle: string, input: { content: string } & Precondition): Promise<Doc> {
    if (input.expectedVersion === undefined && input.ifMatch === undefined) {
      throw new DockError('precondition_required', 'replacing a whole doc needs expectedVersion or If-Match')
    }
    return this.#write(caller, ws, {}, async (scope) => {
      const doc = await findDoc(scope.tx, scope.workspace.id, idOrTitle)
      checkPrecondition(doc.version, input, doc, `doc ${doc.title}`)
      checkDocLock(doc, caller, scope.now)
      const old = new Map(doc.sections.map((s) => [s.key, s]))
      const revision = scope.nextRevision
      const sections: Section[] = parseSections(input.content).map((p) => {
        const prev = old.get(p.key)
        if (prev !== undefined && prev.body === p.body && prev.heading === p.heading && prev.level === p.level) return prev
        return {
          ...p,
          version: (prev?.version ?? 0) + 1,
          editedBy: caller.principal.id,
          editedAt: scope.nowIso,
          revision,
          lane: prev?.lane ?? null,
        }
      })
      const touched = new Set([...sections.filter((s) => s.revision === revision).map((s) => s.key), ...[...old.keys()].filter((k) => !sections.some((s) => s.key === k))])
      for (const key of touched) {
        const lane = old.get(key)?.lane ?? null
        if (lane !== null && lane !== caller.principal.id && !caller.principal.roles.includes('operator')) {
          throw new DockError('lane_owned', `section ${key} belongs to ${lane}`, { details: { section: key, lane } })
        }
      }
      const next: Doc = { ...doc, sections, version: doc.version + 1, revision, updatedBy: caller.principal.id, updatedAt: scope.nowIso }
      await scope.tx.updateDoc(next)
      await scope.emit('doc.replaced', { kind: 'doc', id: doc.id, doc: doc.id }, doc, { ...next, changedSections: [...touched] })
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
    input: { body: string; heading?: string; lane?: string | null } & Precondition,
  ): Promise<{ section: Section; doc: { id: string; version: number; revision: number } }> {
    return this.#write(caller, ws, {}, async (scope) => {
      const doc = await findDoc(scope.tx, scope.workspace.id, idOrTitle)
      checkDocLock(doc, caller, scope.now)
      const index = doc.sections.findIndex((s) => s.key === key)
      const prev = index < 0 ? null : doc.sections[index]!
      if (prev === null && key === PREAMBLE_KEY && (input.heading ?? '') !== '') {
        throw new DockError('invalid_input', 'the preamble has no heading')
      }
      checkPrecondition(prev?.version ?? 0, input, prev, `section ${key}`)
      const isOperator = caller.principal.roles.includes('operator')
      if (prev?.lane && prev.lane !== caller.principal.id && !isOperator) {
        throw new DockError('lane_owned', `section ${key} belongs to ${prev.lane}`, { details: { current: prev, lane: prev.lane } })
      }
      let lane = prev?.lane ?? null
      if (input.lane !== undefined && input.lane !== lane) {
        if (!isOperator && doc.createdBy !== caller.principal.id) throw new DockError('forbidden', 'only an operator or the doc creator assigns lanes')
        if (input.lane !== null) await findPrincipal(scope.tx, scope.workspace.id, input.lane).then((p) => (lane = p.id))
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
      const next: Doc = { ...doc, sections, version: doc.version + 1, revision, updatedBy: caller.principal.id, updatedAt: scope.nowIso }
      await scope.tx.updateDoc(next)
      await scope.emit('doc.section_written', { kind: 'doc', id: doc.id, doc: doc.id, section: key }, prev, { ...section, docVersion: next.version })
      return { section, doc: { id: doc.id, version: next.version, revision } }
    })
  }

  /** The log's writes to one section, oldest first. */
  async sectionHistory(caller: Caller, ws: string, idOrTitle: string, key: string): Promise<DockEvent[]> {
    const doc = await this.getDoc(caller, ws, idOrTitle)
    const out: DockEvent[] = []
    let since = 0
    for (;;) {
      const page = await this.storage.read((tx) => tx.listEvents(doc.workspaceId, since, 1000))
      for (const e of page) {
        if (e.target.doc !== doc.id) continue
        if (e.type === 'doc.section_written' && e.target.section === key) out.push(e)
        if (e.type === 'doc.created' && (e.after as Doc).sections.some((s) => s.key === key)) out.push(e)
        if (e.type === 'doc.replaced' && ((e.after as { changedSections?: string[] }).changedSections ?? []).includes(key)) out.push(e)
      }
      if (page.length < 1000) return out
      since = page[page.length - 1]!.revision
    }
  }

  async lockDoc(caller: Caller, ws: string, idOrTitle: string, leaseMs?: number): Promise<{ doc: Doc; lock: Lease }> {
    return this.#write(caller, ws, {}, async (scope) => {
      const doc = await findDoc(scope.tx, scope.workspace.id, idOrTitle)
      if (doc.lock !== null && doc.lock.owner !== caller.principal.id && Date.parse(doc.lock.expiresAt) > scope.now) {
        throw new DockError('doc_locked', `doc ${doc.title} is locked by ${doc.lock.owner} until ${doc.lock.expiresAt}`, { details: { lock: doc.lock } })
      }
      const lock: Lease = {
        owner: caller.principal.id,
        token: scope.nextRevision,
        expiresAt: new Date(scope.now + clampLease(leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
      }
      const next: Doc = { ...doc, lock, version: doc.version + 1, revision: scope.nextRevision, updatedBy: caller.principal.id, updatedAt: scope.nowIso }
      await scope.tx.updateDoc(next)
      await scope.emit('doc.locked', { kind: 'doc', id: doc.id, doc: doc.id }, doc.lock, lock)
      return { doc: next, lock }
    })
  }

  async unlockDoc(caller: Caller, ws: string, idOrTitle: string): Promise<Doc> {
    return this.#write(caller, ws, {}, async (scope) => {
      const doc = await findDoc(scope.tx, scope.workspace.id, idOrTitle)
      if (doc.lock === null) return doc
      const live = Date.parse(doc.lock.expiresAt) > scope.now
      if (live && doc.lock.owner !== caller.principal.id && !caller.principal.roles.includes('operator')) {
        throw new DockError('doc_locked', `doc ${doc.title} is locked by ${doc.lock.owner}`, { details: { lock: doc.lock } })
      }
      const next: Doc = { ...doc, lock: null, version: doc.version + 1, revision: scope.nextRevision, updatedBy: caller.principal.id, updatedAt: scope.nowIso }
      await scope.tx.updateDoc(next)
      await scope.emit('doc.unlocked', { kind: 'doc', id: doc.id, doc: doc.id }, doc.lock, null)
      return next
    })
  }

  // ---------------------------------------------------------------- events

  /** Resolves names in a filter to ids (actor by name, doc by title) so matching is by id. */
  async resolveFilter(caller: Caller, ws: string, filter: EventFilter): Promise<EventFilter> {
    const w = await this.#readWorkspace(caller, ws)
    return this.storage.read(async (tx) => {
      const actors = filter.actors === undefined ? undefined : await Promise.all(
        filter.actors.map(async (a) => (a === SYSTEM_ACTOR ? a : ((await tx.getPrincipal(w.id, a)) ?? (await tx.getPrincipalByName(w.id, a)))?.id ?? a)),
      )
      const docs = filter.docs === undefined ? undefined : await Promise.all(filter.docs.map(async (d) => (await tx.getDoc(w.id, d))?.id ?? d))
      return { ...filter, ...(actors ? { actors } : {}), ...(docs ? { docs } : {}) }
    })
  }

  /**
   * Events after `since` that match `filter`. With `waitMs`, holds the call
   * until a matching event exists or the time is up (long-poll).
   */
  async listEvents(
    caller: Caller,
    ws: string,
    opts: { since: number; limit: number; filter: EventFilter; waitMs?: number; signal?: AbortSignal },
  ): Promise<EventPage> {
    // Watch loops call this at every wake: resolve the workspace from the id cache, not the store.
    const w = { id: await this.#workspaceId(caller, ws) }
    const deadline = this.#now() + (opts.waitMs ?? 0)
    let since = opts.since
    for (;;) {
      const items: DockEvent[] = []
      const pageSize = Math.max(opts.limit, 200)
      for (;;) {
        const page = await this.hub.eventsAfter(w.id, since, pageSize)
        for (const e of page) {
          since = e.revision
          if (eventMatches(e, opts.filter)) {
            items.push(e)
            if (items.length === opts.limit) break
          }
        }
        // A short page is the end of what is known; a wake-up brings the rest, so do not probe the log again.
        if (items.length === opts.limit || page.length < pageSize) break
      }
      const revision = Math.max(since, this.hub.knownRevision(w.id) ?? (await this.storage.read((tx) => tx.getWorkspace(w.id)))?.revision ?? since)
      const left = deadline - this.#now()
      if (items.length > 0 || left <= 0 || opts.signal?.aborted === true) {
        return { items, revision, nextSince: items.length === opts.limit ? items[items.length - 1]!.revision : Math.max(since, opts.since) }
      }
      await this.hub.waitForRevision(w.id, since, left, opts.signal)
    }
  }

  /** Re-hashes the log from the first event and reports the first link that does not hold. */
  async verifyAudit(caller: Caller, ws: string): Promise<AuditReport> {
    const w = await this.#readWorkspace(caller, ws)
    return this.storage.read(async (tx) => {
      const head = await tx.getWorkspace(w.id)
      const headRevision = head?.revision ?? 0
      let prevHash = GENESIS_HASH
      let expected = 1
      let checked = 0
      for (;;) {
        const page = await tx.listEvents(w.id, expected - 1, 2000)
        for (const e of page) {
          const fail = (reason: string): AuditReport => ({ ok: false, checked, headRevision, firstBreak: { revision: e.revision, reason } })
          if (e.revision !== expected) return { ok: false, checked, headRevision, firstBreak: { revision: expected, reason: 'revision missing from the log' } }
          if (e.prevHash !== prevHash) return fail('prevHash does not match the previous event')
          const { hash, ...body } = e
          if (hashEvent(body) !== hash) return fail('event content does not match its hash')
          prevHash = hash
          expected++
          checked++
        }
        if (page.length < 2000) break
      }
      if (checked !== headRevision) {
        return { ok: false, checked, headRevision, firstBreak: { revision: checked + 1, reason: 'log ends before the workspace revision' } }
      }
      if (head !== null && head.headHash !== prevHash) {
        return { ok: false, checked, headRevision, firstBreak: { revision: headRevision, reason: 'workspace head hash does not match the last event' } }
      }
      return { ok: true, checked, headRevision, firstBreak: null }
    })
  }

  // ---------------------------------------------------------------- plumbing

  /** Resolves a workspace the caller may read: its own, and no other (attribution). */
  async #readWorkspace(caller: Caller, ws: string): Promise<WorkspaceRecord> {
    const w = await this.storage.read((tx) => tx.getWorkspace(ws))
    if (w === null || w.id !== caller.principal.workspaceId) throw new DockError('not_found', `no workspace ${ws}`)
    return w
  }

  /** Workspace ids and names never change, so hot paths resolve them once per node. */
  readonly #workspaceIds = new Map<string, string>()

  async #workspaceId(caller: Caller, ws: string): Promise<string> {
    let id = this.#workspaceIds.get(ws)
    if (id === undefined) {
      id = (await this.#readWorkspace(caller, ws)).id
      if (this.#workspaceIds.size > 10_000) this.#workspaceIds.clear()
      this.#workspaceIds.set(ws, id)
    }
    if (id !== caller.principal.workspaceId) throw new DockError('not_found', `no workspace ${ws}`)
    return id
  }

  async #write<T>(caller: Caller, ws: string, opts: { operatorAuthority?: boolean }, fn: (scope: WriteScope) => Promise<T>): Promise<T> {
    const w = { id: await this.#workspaceId(caller, ws) }
    const signature = this.#checkSignature(caller)
    const now = this.#now()
    this.#budget.take(caller.principal.id, caller.principal.budget.writesPerMinute, now)
    return this.storage.write(w.id, async (tx) => {
      const workspace = await tx.getWorkspace(w.id)
      if (workspace === null) throw new DockError('not_found', `no workspace ${ws}`)
      // Re-read inside the transaction: a suspension that committed a moment ago must win.
      const principal = await tx.getPrincipal(w.id, caller.principal.id)
      if (principal === null) throw new DockError('unauthorized', 'unknown principal')
      if (principal.status === 'suspended') throw new DockError('principal_suspended', `principal ${principal.name} is suspended`)
      if (workspace.frozen && opts.operatorAuthority !== true) throw new DockError('workspace_frozen', `workspace ${workspace.name} is frozen`)
      const scope = new WriteScope({ tx, workspace, actor: principal.id, requestId: caller.requestId ?? null, signature, now })
      const result = await fn(scope)
      await scope.flush()
      return result
    })
  }

  /** A principal that registered a public key must sign its writes; the signature goes into the log. */
  #checkSignature(caller: Caller): string | null {
    const key = caller.principal.publicKey
    const sig = caller.signature ?? null
    if (key === null) return sig === null ? null : sig
    if (sig === null || caller.signedPayload === undefined || caller.signedPayload === null) {
      throw new DockError('invalid_signature', 'this principal signs its writes: send X-Dock-Signature')
    }
    let ok = false
    try {
      ok = verifySignature(null, Buffer.from(caller.signedPayload), toPublicKey(key), Buffer.from(sig, 'base64'))
    } catch {
      ok = false
    }
    if (!ok) throw new DockError('invalid_signature', 'X-Dock-Signature does not verify against the principal key')
    return sig
  }
}

// ------------------------------------------------------------------ helpers

function publicWorkspace(ws: WorkspaceRecord): Workspace {
  return { id: ws.id, name: ws.name, revision: ws.revision, frozen: ws.frozen, createdAt: ws.createdAt }
}

export function publicPrincipal(p: PrincipalRecord): Principal {
  const { keyHash: _keyHash, ...rest } = p
  return rest
}

function requireRole(caller: Caller, role: Role): void {
  if (!caller.principal.roles.includes(role)) throw new DockError('forbidden', `needs role ${role}`)
}

function requireAnyRole(caller: Caller, roles: readonly Role[]): void {
  if (!roles.some((r) => caller.principal.roles.includes(r))) throw new DockError('forbidden', `needs one of roles ${roles.join(', ')}`)
}

async function findPrincipal(tx: Tx, workspaceId: string, idOrName: string): Promise<PrincipalRecord> {
  const p = (await tx.getPrincipal(workspaceId, idOrName)) ?? (await tx.getPrincipalByName(workspaceId, idOrName))
  if (p === null) throw new DockError('not_found', `no principal ${idOrName}`)
  return p
}

async function findTable(tx: Tx, workspaceId: string, name: string): Promise<Table> {
  const t = await tx.getTable(workspaceId, name)
  if (t === null) throw new DockError('not_found', `no table ${name}`)
  return t
}

async function findRow(tx: Tx, workspaceId: string, table: string, id: string): Promise<Row> {
  const r = await tx.getRow(workspaceId, id)
  if (r === null || r.table !== table) throw new DockError('not_found', `no row ${id} in table ${table}`)
  return r
}

async function findDoc(tx: Tx, workspaceId: string, idOrTitle: string): Promise<Doc> {
  const d = await tx.getDoc(workspaceId, idOrTitle)
  if (d === null) throw new DockError('not_found', `no doc ${idOrTitle}`)
  return d
}

function claimRule(table: Table): NonNullable<Table['workflow']['claim']> {
  if (table.workflow.claim === null) throw new DockError('invalid_input', `table ${table.name} has no claim rule`)
  return table.workflow.claim
}

function clampLease(ms: number): number {
  return Math.min(Math.max(Math.trunc(ms), 1), MAX_LEASE_MS)
}

function checkPrecondition(version: number, pre: Precondition, current: unknown, what: string): void {
  if (pre.ifMatch !== undefined && pre.ifMatch !== version) {
    throw new DockError('precondition_failed', `${what} is at version ${version}, not ${pre.ifMatch}`, { details: { current, version } })
  }
  if (pre.expectedVersion !== undefined && pre.expectedVersion !== version) {
    throw new DockError('version_conflict', `${what} is at version ${version}, not ${pre.expectedVersion}`, { details: { current, version } })
  }
}

function checkContractPin(table: Table, pinned: number | undefined): void {
  if (pinned !== undefined && pinned !== table.contractVersion) {
    throw new DockError('contract_changed', `table ${table.name} moved to contract version ${table.contractVersion}`, {
      details: { contractVersion: table.contractVersion, columns: table.columns, workflow: table.workflow },
    })
  }
}

function checkDocLock(doc: Doc, caller: Caller, now: number): void {
  if (doc.lock !== null && doc.lock.owner !== caller.principal.id && Date.parse(doc.lock.expiresAt) > now) {
    throw new DockError('doc_locked', `doc ${doc.title} is locked by ${doc.lock.owner} until ${doc.lock.expiresAt}`, { details: { lock: doc.lock } })
  }
}

function bump(row: Row, scope: WriteScope, caller: Caller | null): Pick<Row, 'version' | 'revision' | 'updatedAt' | 'updatedBy'> {
  return {
    version: row.version + 1,
    revision: scope.nextRevision,
    updatedAt: scope.nowIso,
    updatedBy: caller?.principal.id ?? scope.actor,
  }
}

function rowTarget(row: Row): { kind: 'row'; id: string; table: string; status: string } {
  return { kind: 'row', id: row.id, table: row.table, status: row.status }
}

function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url')
}

function decodeCursor(cursor: string): number {
  const m = /^s:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())
  if (m === null) throw new DockError('invalid_input', 'malformed cursor')
  return Number(m[1])
}

function toPublicKey(key: string): ReturnType<typeof createPublicKey> {
  if (key.includes('BEGIN')) return createPublicKey(key)
  // Raw 32-byte Ed25519 key in base64: wrap it in the fixed SPKI prefix.
  const raw = Buffer.from(key, 'base64')
  return createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' })
}

function checkPublicKey(key: string): void {
  try {
    const k = toPublicKey(key)
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519')
  } catch {
    throw new DockError('invalid_input', 'publicKey must be an Ed25519 key (SPKI PEM or raw base64)')
  }
}
