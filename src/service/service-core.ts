import { verify as verifySignature } from 'node:crypto'

import { DockError } from '../domain/errors.js'
import type { Storage, WorkspaceRecord } from '../storage/storage.js'
import { authorize, requireActive } from './access.js'
import { BudgetMeter } from './budget-meter.js'
import { ChangeHub } from './change-hub.js'
import type { Caller } from './service-types.js'
import { toPublicKey } from './signing-key.js'
import { WriteScope } from './write-scope.js'

export const DEFAULT_MAX_WORKSPACES_PER_OPERATOR = 100

/**
 * What every part of the service shares: the store, the clock, the change hub,
 * the write budget, and the one write path that checks the caller, the
 * workspace and the budget before a transaction and appends its events in it.
 */
export class ServiceCore {
  readonly storage: Storage
  readonly hub: ChangeHub
  readonly budget = new BudgetMeter()
  /** How many workspaces one operator principal may create (DOCK_MAX_WORKSPACES_PER_OPERATOR). */
  readonly maxWorkspacesPerOperator: number
  readonly #now: () => number

  constructor(options: {
    storage: Storage
    now?: (() => number) | undefined
    maxWorkspacesPerOperator?: number | undefined
  }) {
    this.storage = options.storage
    this.#now = options.now ?? Date.now
    this.maxWorkspacesPerOperator = options.maxWorkspacesPerOperator ?? DEFAULT_MAX_WORKSPACES_PER_OPERATOR
    this.hub = new ChangeHub(options.storage)
  }

  now(): number {
    return this.#now()
  }

  /** Resolves a workspace the caller may read: its own, and no other (attribution). */
  async readWorkspace(caller: Caller, ws: string): Promise<WorkspaceRecord> {
    authorize(caller, 'read')
    const w = await this.storage.read((tx) => tx.getWorkspace(ws))
    if (w === null || w.id !== caller.principal.workspaceId) throw new DockError('not_found', `no workspace ${ws}`)
    return w
  }

  /** Workspace ids and names never change, so hot paths resolve them once per node. */
  readonly #workspaceIds = new Map<string, string>()

  async workspaceId(caller: Caller, ws: string): Promise<string> {
    authorize(caller, 'read')
    let id = this.#workspaceIds.get(ws)
    if (id === undefined) {
      id = (await this.readWorkspace(caller, ws)).id
      if (this.#workspaceIds.size > 10_000) this.#workspaceIds.clear()
      this.#workspaceIds.set(ws, id)
    }
    if (id !== caller.principal.workspaceId) throw new DockError('not_found', `no workspace ${ws}`)
    return id
  }

  /** The one write path: a transaction on the workspace, refused while it is frozen. */
  write<T>(caller: Caller, ws: string, fn: (scope: WriteScope) => Promise<T>): Promise<T> {
    return this.#write(caller, ws, { operatorAuthority: false }, fn)
  }

  /** The write path for operator switches (suspend, resume, unfreeze), which must work while frozen. */
  writeEvenWhenFrozen<T>(caller: Caller, ws: string, fn: (scope: WriteScope) => Promise<T>): Promise<T> {
    return this.#write(caller, ws, { operatorAuthority: true }, fn)
  }

  async #write<T>(
    caller: Caller,
    ws: string,
    opts: { readonly operatorAuthority: boolean },
    fn: (scope: WriteScope) => Promise<T>,
  ): Promise<T> {
    const w = { id: await this.workspaceId(caller, ws) }
    const signature = this.#checkSignature(caller)
    const now = this.now()
    this.budget.take(caller.principal.id, caller.principal.budget.writesPerMinute, now)
    return this.storage.write(w.id, async (tx) => {
      const workspace = await tx.getWorkspace(w.id)
      if (workspace === null) throw new DockError('not_found', `no workspace ${ws}`)
      // Re-read inside the transaction: a suspension that committed a moment ago must win.
      const principal = requireActive(await tx.getPrincipal(w.id, caller.principal.id), 'unknown principal')
      if (workspace.frozen && !opts.operatorAuthority)
        throw new DockError('workspace_frozen', `workspace ${workspace.name} is frozen`)
      return WriteScope.run(
        { tx, workspace, actor: principal.id, requestId: caller.requestId ?? null, signature, now },
        fn,
      )
    })
  }

  /** A principal that registered a public key must sign its writes; the signature goes into the log. */
  #checkSignature(caller: Caller): string | null {
    const key = caller.principal.publicKey
    const sig = caller.signature ?? null
    if (key === null) return sig
    if (sig === null || caller.signedPayload === undefined || caller.signedPayload === null) {
      throw new DockError('invalid_signature', 'this principal signs its writes: send X-Dock-Signature')
    }
    if (!signatureVerifies(caller.signedPayload, key, sig))
      throw new DockError('invalid_signature', 'X-Dock-Signature does not verify against the principal key')
    return sig
  }
}

/** A malformed key or signature is a failed verification, not a server error. */
function signatureVerifies(payload: string | Uint8Array, key: string, sig: string): boolean {
  try {
    return verifySignature(null, Buffer.from(payload), toPublicKey(key), Buffer.from(sig, 'base64'))
  } catch {
    return false
  }
}
