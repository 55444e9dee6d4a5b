import type { CreatePrincipalBody } from '../api/principals.js'
import { DockError } from '../domain/errors.js'
import { hashKey } from '../domain/event-hash.js'
import { newId, newKey } from '../domain/ids.js'
import {
  type Budget,
  GENESIS_HASH,
  type Principal,
  type Role,
  type Row,
  SYSTEM_ACTOR,
  type Workspace,
} from '../domain/types.js'
import type { PrincipalRecord, WorkspaceRecord } from '../storage/storage.js'
import { authorize, requireActive } from './access.js'
import { findPrincipal } from './lookups.js'
import { publicPrincipal, publicWorkspace } from './records.js'
import type { RowService } from './row-service.js'
import type { ServiceCore } from './service-core.js'
import type { Caller, PrincipalView } from './service-types.js'
import { checkPublicKey } from './signing-key.js'
import { WriteScope } from './write-scope.js'

/** Workspaces, principals and their keys, and the operator switches (suspend, resume, freeze). */
export class IdentityService {
  readonly #core: ServiceCore
  readonly #rows: RowService

  constructor(core: ServiceCore, rows: RowService) {
    this.#core = core
    this.#rows = rows
  }

  /**
   * On an empty store, creates workspace `default` and its operator. Returns
   * the operator key when one was generated (null if `operatorToken` was given
   * or the store was already set up).
   */
  async bootstrap(operatorToken?: string): Promise<{ created: boolean; operatorKey: string | null }> {
    const existing = await this.#core.storage.read((tx) => tx.listWorkspaces())
    if (existing.length > 0) {
      if (operatorToken !== undefined && operatorToken !== '')
        await this.#ensureOperatorToken(existing[0]!, operatorToken)
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
    const found = await this.#core.storage.read((tx) => tx.getPrincipalByKeyHash(keyHash))
    if (found !== null) return
    await this.#core.storage.write(ws.id, async (tx) => {
      const current = await tx.getWorkspace(ws.id)
      // Several nodes may start together with the same token: only the first adds it.
      if (current === null || (await tx.getPrincipalByKeyHash(keyHash)) !== null) return
      await WriteScope.run(
        { tx, workspace: current, actor: SYSTEM_ACTOR, requestId: null, signature: null, now: this.#core.now() },
        async (scope) => {
          let name = 'operator'
          for (let n = 2; (await tx.getPrincipalByName(ws.id, name)) !== null; n++) name = `operator-${n}`
          const p = this.#newPrincipal(
            ws.id,
            { name, kind: 'human', roles: ['operator'], skills: [] },
            keyHash,
            null,
            scope.nowIso,
          )
          await tx.insertPrincipal(p)
          await scope.emit('principal.created', { kind: 'principal', id: p.id }, null, publicPrincipal(p))
        },
      )
    })
  }

  /**
   * Local maintenance (`dock operator reset-key`): gives operator `name` of
   * workspace `ws` a new key and retires the old one. There is no caller to
   * check: whoever can open the store can change it anyway. The log records it
   * as `principal.updated` by `system` (the key itself is never logged).
   */
  async resetOperatorKey(
    ws: string,
    name: string,
  ): Promise<{ workspace: Workspace; principal: Principal; key: string }> {
    const w = await this.#core.storage.read((tx) => tx.getWorkspace(ws))
    if (w === null) throw new DockError('not_found', `no workspace ${ws}`)
    const key = newKey()
    return this.#core.storage.write(w.id, async (tx) => {
      const current = await tx.getWorkspace(w.id)
      if (current === null) throw new DockError('not_found', `no workspace ${ws}`)
      const p = await tx.getPrincipalByName(w.id, name)
      if (p === null) throw new DockError('not_found', `no principal ${name} in workspace ${current.name}`)
      if (!p.roles.includes('operator'))
        throw new DockError(
          'forbidden',
          `${name} is not an operator of ${current.name}; only operator keys are reset here`,
        )
      return WriteScope.run(
        {
          tx,
          workspace: current,
          actor: SYSTEM_ACTOR,
          requestId: 'dock operator reset-key',
          signature: null,
          now: this.#core.now(),
        },
        async (scope) => {
          const next: PrincipalRecord = { ...p, keyHash: hashKey(key) }
          await tx.updatePrincipal(next)
          await scope.emit('principal.updated', { kind: 'principal', id: p.id }, publicPrincipal(p), {
            ...publicPrincipal(next),
            keyResetAt: scope.nowIso,
          })
          return { workspace: publicWorkspace(scope.workspace), principal: publicPrincipal(next), key }
        },
      )
    })
  }

  async authenticate(token: string | undefined): Promise<PrincipalRecord> {
    if (token === undefined || token === '') throw new DockError('unauthorized', 'missing bearer key')
    return requireActive(await this.#core.storage.read((tx) => tx.getPrincipalByKeyHash(hashKey(token))), 'unknown key')
  }

  /** Re-reads the caller: long-lived streams call this so a suspension ends them. */
  async authenticateAgain(caller: Caller): Promise<void> {
    requireActive(
      await this.#core.storage.read((tx) => tx.getPrincipal(caller.principal.workspaceId, caller.principal.id)),
      'unknown principal',
    )
  }

  async me(caller: Caller): Promise<{ principal: Principal; workspace: Workspace }> {
    // Who am I needs no role: a principal without any still learns what it is.
    const ws = await this.#core.storage.read((tx) => tx.getWorkspace(caller.principal.workspaceId))
    if (ws === null) throw new DockError('not_found', 'the workspace of this key is gone')
    return { principal: publicPrincipal(caller.principal), workspace: publicWorkspace(ws) }
  }

  async createWorkspace(
    caller: Caller,
    name: string,
  ): Promise<{ workspace: Workspace; operator: { principal: Principal; key: string } }> {
    authorize(caller, 'workspace.create')
    // A quota per operator: an operator key that leaks or loops must not fill the store with workspaces.
    // Checked before the write (workspace creation is rare, and a race overshoots by at most the racers).
    const root = await this.#core.storage.read(async (tx) => {
      const me = await tx.getPrincipal(caller.principal.workspaceId, caller.principal.id)
      return me?.quotaRoot ?? caller.principal.id
    })
    const made = await this.#core.storage.read((tx) =>
      tx.countWorkspacesCreatedBy(caller.principal.id, caller.principal.workspaceId, root),
    )
    if (made >= this.#core.maxWorkspacesPerOperator) {
      throw new DockError(
        'quota_exceeded',
        `${caller.principal.name} has created ${made} workspaces, the most one operator may`,
        {
          details: { limit: this.#core.maxWorkspacesPerOperator, created: made },
        },
      )
    }
    const key = newKey()
    const { workspace, principal } = await this.#createWorkspaceWithOperator(name, key, caller.principal.id, root)
    return { workspace, operator: { principal, key } }
  }

  async #createWorkspaceWithOperator(
    name: string,
    key: string,
    createdBy: string | null,
    quotaRoot: string | null = null,
  ): Promise<{ workspace: Workspace; principal: Principal }> {
    const id = newId('w')
    return this.#core.storage.write(id, async (tx) => {
      if ((await tx.getWorkspace(name)) !== null) throw new DockError('already_exists', `workspace ${name} exists`)
      const now = this.#core.now()
      const ws: WorkspaceRecord = {
        id,
        name,
        revision: 0,
        headHash: GENESIS_HASH,
        frozen: false,
        createdAt: new Date(now).toISOString(),
      }
      await tx.insertWorkspace(ws)
      return WriteScope.run(
        { tx, workspace: ws, actor: createdBy ?? SYSTEM_ACTOR, requestId: null, signature: null, now },
        async (scope) => {
          await scope.emit('workspace.created', { kind: 'workspace', id }, null, publicWorkspace(ws))
          const made = this.#newPrincipal(
            id,
            { name: 'operator', kind: 'human', roles: ['operator'], skills: [] },
            hashKey(key),
            createdBy,
            scope.nowIso,
          )
          const p: PrincipalRecord = quotaRoot === null ? made : { ...made, quotaRoot }
          await tx.insertPrincipal(p)
          await scope.emit('principal.created', { kind: 'principal', id: p.id }, null, publicPrincipal(p))
          return { workspace: publicWorkspace(scope.workspace), principal: publicPrincipal(p) }
        },
      )
    })
  }

  /**
   * The workspaces the caller's key reaches. A key belongs to exactly one
   * workspace (an operator who creates another gets a separate key for it), so
   * this is one today; the list shape leaves room for keys that span several.
   */
  async listWorkspaces(caller: Caller): Promise<Workspace[]> {
    return [publicWorkspace(await this.#core.readWorkspace(caller, caller.principal.workspaceId))]
  }

  async getWorkspace(caller: Caller, ws: string): Promise<Workspace> {
    return publicWorkspace(await this.#core.readWorkspace(caller, ws))
  }

  async createPrincipal(
    caller: Caller,
    ws: string,
    input: CreatePrincipalBody,
  ): Promise<{ principal: Principal; key: string }> {
    authorize(caller, 'principal.create')
    if (input.publicKey) checkPublicKey(input.publicKey)
    const key = newKey()
    return this.#core.write(caller, ws, async (scope) => {
      if ((await scope.tx.getPrincipalByName(scope.workspace.id, input.name)) !== null) {
        throw new DockError('already_exists', `principal ${input.name} exists`)
      }
      const p = this.#newPrincipal(
        scope.workspace.id,
        {
          name: input.name,
          kind: input.kind ?? 'agent',
          roles: input.roles ?? ['member'],
          skills: input.skills ?? [],
          budget: input.budget,
          publicKey: input.publicKey ?? null,
        },
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
    input: {
      name: string
      kind: 'human' | 'agent'
      roles: Role[]
      skills: string[]
      budget?: Budget | undefined
      publicKey?: string | null
    },
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
    const w = await this.#core.readWorkspace(caller, ws)
    return this.#core.storage.read(async (tx) => {
      const principals = await tx.listPrincipals(w.id)
      const claims = await this.#rows.openClaims(tx, w.id)
      return principals.map((p) => this.#principalView(p, claims))
    })
  }

  async getPrincipal(caller: Caller, ws: string, idOrName: string): Promise<PrincipalView> {
    const w = await this.#core.readWorkspace(caller, ws)
    return this.#core.storage.read(async (tx) => {
      const p = (await tx.getPrincipal(w.id, idOrName)) ?? (await tx.getPrincipalByName(w.id, idOrName))
      if (p === null) throw new DockError('not_found', `no principal ${idOrName}`)
      return this.#principalView(p, await this.#rows.openClaims(tx, w.id, p.id))
    })
  }

  #principalView(p: PrincipalRecord, claims: readonly Row[]): PrincipalView {
    return {
      ...publicPrincipal(p),
      openClaims: claims
        .filter((r) => r.owner === p.id)
        .map((r) => ({
          table: r.table,
          id: r.id,
          status: r.status,
          leaseExpiresAt: r.leaseExpiresAt,
          fencingToken: r.fencingToken,
        })),
      budgetUsed: this.#core.budget.used(p.id, this.#core.now()),
    }
  }

  /** Kill switch: refuses the principal's next request, closes its streams, releases its leases. */
  async suspend(caller: Caller, ws: string, idOrName: string): Promise<Principal> {
    authorize(caller, 'principal.suspend')
    const result = await this.#core.writeEvenWhenFrozen(caller, ws, async (scope) => {
      const p = await findPrincipal(scope.tx, scope.workspace.id, idOrName)
      if (p.id === caller.principal.id) throw new DockError('forbidden', 'an operator cannot suspend itself')
      if (p.status === 'suspended') return publicPrincipal(p)
      const next: PrincipalRecord = { ...p, status: 'suspended' }
      await scope.tx.updatePrincipal(next)
      await scope.emit(
        'principal.suspended',
        { kind: 'principal', id: p.id },
        publicPrincipal(p),
        publicPrincipal(next),
      )
      for (const row of await this.#rows.openClaims(scope.tx, scope.workspace.id, p.id)) {
        const table = await scope.tx.getTable(scope.workspace.id, row.table)
        if (table === null) continue
        await this.#rows.releaseRow(scope, table, row)
      }
      return publicPrincipal(next)
    })
    // Streams and waits close through the change hub, which reads the suspension from the log
    // (so other nodes close theirs too); wait for this node's hub to have read it before replying.
    await this.#core.hub.settle(caller.principal.workspaceId)
    return result
  }

  async resume(caller: Caller, ws: string, idOrName: string): Promise<Principal> {
    authorize(caller, 'principal.suspend')
    return this.#core.writeEvenWhenFrozen(caller, ws, async (scope) => {
      const p = await findPrincipal(scope.tx, scope.workspace.id, idOrName)
      if (p.status === 'active') return publicPrincipal(p)
      const next: PrincipalRecord = { ...p, status: 'active' }
      await scope.tx.updatePrincipal(next)
      await scope.emit('principal.resumed', { kind: 'principal', id: p.id }, publicPrincipal(p), publicPrincipal(next))
      return publicPrincipal(next)
    })
  }

  async setFrozen(caller: Caller, ws: string, frozen: boolean): Promise<Workspace> {
    authorize(caller, 'workspace.freeze')
    return this.#core.writeEvenWhenFrozen(caller, ws, async (scope) => {
      if (scope.workspace.frozen === frozen) return publicWorkspace(scope.workspace)
      const before = publicWorkspace(scope.workspace)
      scope.setFrozen(frozen)
      await scope.emit(
        frozen ? 'workspace.frozen' : 'workspace.unfrozen',
        { kind: 'workspace', id: scope.workspace.id },
        before,
        {
          ...before,
          frozen,
        },
      )
      return publicWorkspace(scope.workspace)
    })
  }
}
