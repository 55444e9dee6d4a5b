import type {
  ClaimNextBody,
  CreateRowBody,
  HeartbeatBody,
  PatchRowBody,
  ReleaseBody,
  TransitionBody,
} from '../api/rows.js'
import { checkValue, DEFAULT_LEASE_MS } from '../domain/contract.js'
import { DockError } from '../domain/errors.js'
import { findProtoKey } from '../domain/event-hash.js'
import { newId } from '../domain/ids.js'
import { isWriter } from '../domain/roles.js'
import { checkFencing, findTransition, hasLiveClaim, hasSkills } from '../domain/row-rules.js'
import { type Row, SYSTEM_ACTOR, type Table } from '../domain/types.js'
import type { Tx } from '../storage/storage.js'
import { authorize } from './access.js'
import { bump, claimRule, clampLease, rowTarget } from './claim-helpers.js'
import { findRow, findTable } from './lookups.js'
import { checkContractPin, checkPrecondition } from './preconditions.js'
import type { ServiceCore } from './service-core.js'
import type { Caller, Claim, Precondition } from './service-types.js'
import { WriteScope } from './write-scope.js'

const CLAIM_SCAN_PAGE = 64
const CLAIM_SCAN_FIRST_PAGE = 4
/** Expired leases handled per workspace per sweep pass; the rest wait for the next pass. */
const SWEEP_BATCH = 500
/** Workspaces visited per sweep pass. */
const SWEEP_WORKSPACES = 1000

/** One expired lease the sweeper could not end; the others were handled regardless. */
export interface SweepFailure {
  readonly workspaceId: string
  readonly rowId: string
  readonly table: string | null
  readonly error: unknown
}

/** What one pass of the lease sweeper did. */
export interface SweepResult {
  /** Workspaces that had leases due. */
  readonly workspaces: number
  /** Leases ended (each logged as `row.lease_expired`). */
  readonly expired: number
  readonly failures: readonly SweepFailure[]
  /** Leases left for a later pass because ending them failed recently (retried with backoff). */
  readonly deferred: number
}

/** First wait before retrying a lease the sweeper failed to end; doubles per failure up to the cap. */
const SWEEP_RETRY_MS = 1_000
const SWEEP_RETRY_MAX_MS = 5 * 60_000

/**
 * Rows and their claims: preconditioned writes, claim and claim-next, leases,
 * fencing, workflow transitions, and the sweep that ends lapsed leases.
 */
export class RowService {
  readonly #core: ServiceCore

  constructor(core: ServiceCore) {
    this.#core = core
  }

  async createRow(caller: Caller, ws: string, tableName: string, input: CreateRowBody): Promise<Row> {
    authorize(caller, 'row.create')
    refuseProtoKeys(input.values)
    return this.#core.write(caller, ws, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      checkContractPin(table, input.contractVersion)
      const statusColumn = table.workflow.statusColumn
      const given = input.values[statusColumn]
      if (given !== undefined && given !== table.workflow.initial) {
        throw new DockError(
          'transition_not_allowed',
          `rows start in status ${table.workflow.initial}; move them with a transition`,
        )
      }
      const values = await this.#validateValues(
        scope.tx,
        table,
        { ...input.values, [statusColumn]: table.workflow.initial },
        true,
      )
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
      if (blockedBy.length > 0) await this.#recordBlockers(scope.tx, row, table)
      await scope.emit('row.created', rowTarget(row), null, row)
      return row
    })
  }

  async getRow(caller: Caller, ws: string, tableName: string, id: string): Promise<Row> {
    const w = await this.#core.readWorkspace(caller, ws)
    return this.#core.storage.read((tx) => findRow(tx, w.id, tableName, id))
  }

  async listRows(
    caller: Caller,
    ws: string,
    tableName: string,
    q: { statuses?: string[]; owner?: string; ready?: boolean; limit: number; cursor?: string },
  ): Promise<{ items: Row[]; nextCursor: string | null }> {
    const w = await this.#core.readWorkspace(caller, ws)
    const now = this.#core.now()
    return this.#core.storage.read(async (tx) => {
      const table = await findTable(tx, w.id, tableName)
      const afterSeq = q.cursor === undefined ? 0 : decodeCursor(q.cursor)
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
      const items = await tx.queryRows({
        workspaceId: w.id,
        table: table.name,
        order: 'seq',
        afterSeq,
        limit: q.limit,
        ...(statuses !== undefined ? { statuses } : {}),
        ...(owner !== undefined ? { owner } : {}),
        // Readiness is stored with the row, so the query returns exactly the page: no blocked row is read.
        ...(q.ready === true ? { unownedAt: now, ready: true } : {}),
      })
      const last = items.at(-1)
      return { items, nextCursor: items.length === q.limit && last !== undefined ? encodeCursor(last.seq) : null }
    })
  }

  async updateRow(
    caller: Caller,
    ws: string,
    tableName: string,
    id: string,
    input: PatchRowBody & Precondition,
  ): Promise<Row> {
    authorize(caller, 'row.update')
    refuseProtoKeys(input.values)
    return this.#core.write(caller, ws, async (scope) => {
      const row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      checkPrecondition(row.version, input, row, `row ${row.id}`)
      checkContractPin(table, input.contractVersion)
      this.#checkRowWriter(row, caller, input.fencingToken, scope.now)
      // A claimant whose lease lapsed may not go on writing as if nothing happened: its
      // tokenless write would slip past fencing. It claims again first (operators excepted:
      // their writes are deliberate corrections, not a worker's late output).
      if (
        input.fencingToken === undefined &&
        row.lapsedClaimant === caller.principal.id &&
        !caller.principal.roles.includes('operator')
      ) {
        throw new DockError('lease_expired', `your lease on row ${row.id} lapsed; claim it again before writing it`, {
          details: { current: row },
        })
      }
      const statusColumn = table.workflow.statusColumn
      if (input.values !== undefined && statusColumn in input.values && input.values[statusColumn] !== row.status) {
        throw new DockError('transition_not_allowed', 'status changes only through claim, release or transition')
      }
      const merged: Record<string, unknown> = { ...row.values }
      for (const [k, v] of Object.entries(input.values ?? {})) merged[k] = v
      const values = await this.#validateValues(scope.tx, table, merged, false)
      const blockedBy =
        input.blockedBy === undefined
          ? row.blockedBy
          : await this.#checkBlockers(scope.tx, scope.workspace.id, input.blockedBy, row.id)
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
      if (input.blockedBy !== undefined) await this.#recordBlockers(scope.tx, next, table)
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

  async claim(caller: Caller, ws: string, tableName: string, id: string, leaseMs?: number): Promise<Claim> {
    authorize(caller, 'row.claim')
    return this.#core.write(caller, ws, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const rule = claimRule(table)
      let row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      if (row.owner !== null && !hasLiveClaim(row, scope.now)) row = await this.#expireLease(scope, table, row)
      if (row.owner !== null) {
        throw new DockError('already_claimed', `row ${row.id} is claimed by ${row.owner}`, {
          details: { current: row },
        })
      }
      if (!rule.from.includes(row.status)) {
        throw new DockError(
          'transition_not_allowed',
          `row ${row.id} is ${row.status}; claims start from ${rule.from.join(', ')}`,
          {
            details: { current: row },
          },
        )
      }
      if ((await this.#unfinishedBlockers(scope.tx, row, table)) > 0) {
        throw new DockError('transition_not_allowed', `row ${row.id} is blocked by unfinished rows`, {
          details: { current: row, blockedBy: row.blockedBy },
        })
      }
      if (!hasSkills(row, caller.principal)) {
        throw new DockError('forbidden', `row ${row.id} needs skills ${row.requiredSkills.join(', ')}`, {
          details: { current: row },
        })
      }
      return this.#takeClaim(scope, table, row, caller, leaseMs)
    })
  }

  /** The highest-priority, oldest claimable row whose blockers are done and whose skills the caller has; null when none. */
  async claimNext(caller: Caller, ws: string, tableName: string, opts: ClaimNextBody): Promise<Claim | null> {
    authorize(caller, 'row.claim')
    if (opts.where !== undefined) refuseProtoKeys(opts.where)
    return this.#core.write(caller, ws, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const rule = claimRule(table)
      let afterKey: { priority: number; seq: number } | undefined
      // Blocked rows are left out by the query (stored readiness), so the first row usually
      // qualifies; the page starts small and grows only while skills or `where` skip rows.
      let limit = CLAIM_SCAN_FIRST_PAGE
      let settled = false
      for (;;) {
        const q = {
          workspaceId: scope.workspace.id,
          table: table.name,
          statuses: rule.from,
          unownedAt: scope.now,
          ready: true,
          order: 'claim',
          limit,
          ...(afterKey ? { afterKey } : {}),
        } as const
        let batch: Row[]
        if (settled) batch = await scope.tx.queryRows(q)
        else {
          // Rows whose lease ran out count as claimable again: the first read also finds them
          // (one round trip with the scan), and once they are settled the scan starts over.
          const found = await scope.tx.claimCandidates(q, scope.now, 100)
          settled = true
          if (found.lapsed.length > 0) {
            for (const lapsed of found.lapsed) await this.#expireLease(scope, table, lapsed)
            continue
          }
          batch = found.candidates
        }
        for (const row of batch) {
          afterKey = { priority: row.priority, seq: row.seq }
          if (row.owner !== null && hasLiveClaim(row, scope.now)) continue
          if (opts.where !== undefined && !Object.entries(opts.where).every(([k, v]) => row.values[k] === v)) continue
          if (!hasSkills(row, caller.principal)) continue
          return this.#takeClaim(scope, table, row, caller, opts.leaseMs)
        }
        if (batch.length < limit) return null
        limit = Math.min(limit * 4, CLAIM_SCAN_PAGE)
      }
    })
  }

  async #takeClaim(
    scope: WriteScope,
    table: Table,
    row: Row,
    caller: Caller,
    leaseMs: number | undefined,
  ): Promise<Claim> {
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
      lapsedClaimant: null,
      ...bump(row, scope, caller),
    }
    await this.#saveRow(scope, table, row, next)
    await scope.emit('row.claimed', rowTarget(next), row, next)
    return { row: next, lease: { token, expiresAt } }
  }

  async heartbeat(caller: Caller, ws: string, tableName: string, id: string, input: HeartbeatBody): Promise<Claim> {
    authorize(caller, 'row.lease')
    return this.#core.write(caller, ws, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      checkFencing(row, caller.principal, input.fencingToken, scope.now)
      const ms = clampLease(input.leaseMs ?? table.workflow.claim?.leaseMs ?? DEFAULT_LEASE_MS)
      const expiresAt = new Date(scope.now + ms).toISOString()
      // A pure lease extension changes no content: the version, editor and edit time stay, so
      // a worker's own heartbeats never invalidate the version its next write is pinned to.
      // The revision moves, since the stored row changed and the event records it.
      const next: Row = { ...row, leaseExpiresAt: expiresAt, revision: scope.nextRevision }
      await scope.tx.updateRow(next)
      await scope.emit('row.heartbeat', rowTarget(next), row, next)
      return { row: next, lease: { token: next.fencingToken, expiresAt } }
    })
  }

  async release(caller: Caller, ws: string, tableName: string, id: string, input: ReleaseBody): Promise<Row> {
    authorize(caller, 'row.lease')
    return this.#core.write(caller, ws, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      checkFencing(row, caller.principal, input.fencingToken, scope.now)
      return this.releaseRow(scope, table, row)
    })
  }

  async releaseRow(scope: WriteScope, table: Table, row: Row): Promise<Row> {
    const back = statusBeforeClaim(table, row)
    const next: Row = {
      ...row,
      status: back,
      values: { ...row.values, [table.workflow.statusColumn]: back },
      owner: null,
      leaseExpiresAt: null,
      claimedFrom: null,
      ...bump(row, scope, null),
    }
    await this.#saveRow(scope, table, row, next)
    await scope.emit('row.released', rowTarget(next), row, next)
    return next
  }

  async transition(
    caller: Caller,
    ws: string,
    tableName: string,
    id: string,
    input: TransitionBody & Precondition,
  ): Promise<Row> {
    authorize(caller, 'row.transition')
    if (input.values !== undefined) {
      // A reviewer moves rows; writing values alongside is a member's (or operator's) write.
      if (!isWriter(caller.principal.roles))
        throw new DockError(
          'forbidden',
          'only members and operators write values; a reviewer may move the row without them',
        )
      refuseProtoKeys(input.values)
    }
    return this.#core.write(caller, ws, async (scope) => {
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
      await this.#saveRow(scope, table, row, next)
      await scope.emit('row.transitioned', rowTarget(next), row, next)
      return next
    })
  }

  /**
   * Operator: sends a dead-letter row back to its claimable status with its
   * attempts reset, so workers may take it again; logged as `row.requeued`.
   */
  async requeue(caller: Caller, ws: string, tableName: string, id: string, input: Precondition = {}): Promise<Row> {
    authorize(caller, 'row.requeue')
    return this.#core.write(caller, ws, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, tableName)
      const rule = claimRule(table)
      const row = await findRow(scope.tx, scope.workspace.id, tableName, id)
      checkPrecondition(row.version, input, row, `row ${row.id}`)
      if (row.status !== rule.deadLetter) {
        throw new DockError(
          'transition_not_allowed',
          `row ${row.id} is ${row.status}, not in the dead-letter status ${rule.deadLetter}`,
          {
            details: { current: row },
          },
        )
      }
      const to = rule.from[0] ?? table.workflow.initial
      const next: Row = {
        ...row,
        status: to,
        values: { ...row.values, [table.workflow.statusColumn]: to },
        owner: null,
        leaseExpiresAt: null,
        claimedFrom: null,
        attempts: 0,
        ...bump(row, scope, caller),
      }
      await this.#saveRow(scope, table, row, next)
      await scope.emit('row.requeued', rowTarget(next), row, next)
      return next
    })
  }

  /**
   * Ends the expired leases of one workspace, each in its own small transaction:
   * a lease that cannot be ended (a store error, a broken record) is reported in
   * `failures` and never stops the others.
   */
  async sweepLeases(workspaceId: string): Promise<SweepResult> {
    const now = this.#core.now()
    const { frozen, due } = await this.#core.storage.read(async (tx) => {
      const ws = await tx.getWorkspace(workspaceId)
      // A frozen workspace changes nothing, the sweeper included; its leases end after the thaw.
      if (ws === null || ws.frozen) return { frozen: true, due: [] as Row[] }
      return { frozen: false, due: await tx.listExpiredLeases(workspaceId, now, SWEEP_BATCH) }
    })
    if (frozen || due.length === 0) return { workspaces: 0, expired: 0, failures: [], deferred: 0 }
    let expired = 0
    let deferred = 0
    const failures: SweepFailure[] = []
    for (const row of due) {
      // A lease that keeps failing is retried with backoff: once a second it would flood the log.
      const key = `${workspaceId}/${row.id}`
      const retry = this.#sweepRetry.get(key)
      if (retry !== undefined && retry.at > now) {
        deferred++
        continue
      }
      try {
        if (await this.#expireOne(workspaceId, row.id, now)) expired++
        this.#sweepRetry.delete(key)
      } catch (error) {
        failures.push({ workspaceId, rowId: row.id, table: row.table, error })
        const delayMs = retry === undefined ? SWEEP_RETRY_MS : Math.min(retry.delayMs * 2, SWEEP_RETRY_MAX_MS)
        if (this.#sweepRetry.size > 10_000) this.#sweepRetry.clear()
        this.#sweepRetry.set(key, { at: now + delayMs, delayMs })
      }
    }
    this.#sweepFailures += failures.length
    return { workspaces: 1, expired, failures, deferred }
  }

  readonly #sweepRetry = new Map<string, { at: number; delayMs: number }>()

  /** One pass over the workspaces that have leases due (found by an index on lease expiry, not by visiting all). */
  async sweepAllLeases(): Promise<SweepResult> {
    const now = this.#core.now()
    const ids = await this.#core.storage.read((tx) => tx.listWorkspacesWithExpiredLeases(now, SWEEP_WORKSPACES))
    let workspaces = 0
    let expired = 0
    let deferred = 0
    const failures: SweepFailure[] = []
    for (const id of ids) {
      try {
        const r = await this.sweepLeases(id)
        workspaces += r.workspaces
        expired += r.expired
        deferred += r.deferred
        failures.push(...r.failures)
      } catch (error) {
        // Listing one workspace's leases failed: report it and go on with the next workspace.
        this.#sweepFailures++
        failures.push({ workspaceId: id, rowId: '', table: null, error })
      }
    }
    return { workspaces, expired, failures, deferred }
  }

  #sweepFailures = 0

  /** Leases the sweeper failed to end since this node started (each failure is also in its pass's result). */
  get sweepFailureCount(): number {
    return this.#sweepFailures
  }

  /** Ends one expired lease in its own transaction; false when it was no longer expired (heartbeat, release, claim won). */
  async #expireOne(workspaceId: string, rowId: string, now: number): Promise<boolean> {
    return this.#core.storage.write(workspaceId, async (tx) => {
      const ws = await tx.getWorkspace(workspaceId)
      if (ws === null || ws.frozen) return false
      const row = await tx.getRow(workspaceId, rowId)
      if (row === null || row.owner === null || row.leaseExpiresAt === null || Date.parse(row.leaseExpiresAt) >= now)
        return false
      const table = await tx.getTable(workspaceId, row.table)
      if (table === null)
        throw new DockError('internal', `row ${row.id} names table ${row.table}, which does not exist`)
      await WriteScope.run({ tx, workspace: ws, actor: SYSTEM_ACTOR, requestId: null, signature: null, now }, (scope) =>
        this.#expireLease(scope, table, row),
      )
      return true
    })
  }

  /**
   * Ends a lapsed lease. With a claim rule the row goes back to the status it was
   * claimed from, or to the dead-letter status once its attempts are spent. A table
   * republished without a claim rule has neither, so the row only loses its owner
   * and goes back to the status it was claimed from if the workflow still has it
   * (else it keeps its status): nothing is invented, and the log says what happened.
   */
  async #expireLease(scope: WriteScope, table: Table, row: Row): Promise<Row> {
    const rule = table.workflow.claim
    const dead = rule !== null && row.attempts >= rule.maxAttempts
    const to = dead ? rule.deadLetter : statusBeforeClaim(table, row)
    const next: Row = {
      ...row,
      status: to,
      values: { ...row.values, [table.workflow.statusColumn]: to },
      owner: null,
      leaseExpiresAt: null,
      claimedFrom: null,
      lapsedClaimant: row.owner,
      version: row.version + 1,
      revision: scope.nextRevision,
      updatedAt: scope.nowIso,
    }
    await this.#saveRow(scope, table, row, next)
    await scope.emit('row.lease_expired', rowTarget(next), row, {
      ...next,
      deadLettered: dead,
      ...(rule === null ? { claimRuleMissing: true } : {}),
    })
    return next
  }

  /**
   * Writes a row whose status may have changed; when it crossed into or out of its
   * table's done statuses, the rows it blocks gain or lose one unfinished blocker.
   */
  async #saveRow(scope: WriteScope, table: Table, before: Row, next: Row): Promise<void> {
    await scope.tx.updateRow(next)
    const wasDone = table.workflow.done.includes(before.status)
    const isDone = table.workflow.done.includes(next.status)
    if (wasDone !== isDone) await scope.tx.adjustDependents(next.workspaceId, next.id, isDone ? -1 : 1)
  }

  /** Stores the row's blocker edges and how many of those blockers are unfinished now. */
  async #recordBlockers(tx: Tx, row: Row, table: Table): Promise<void> {
    await tx.setRowBlockers(row.workspaceId, row.id, row.blockedBy, await this.#unfinishedBlockers(tx, row, table))
  }

  /** How many of the row's blockers are not in a done status of their table (a missing one counts). */
  async #unfinishedBlockers(tx: Tx, row: Row, table: Table): Promise<number> {
    if (row.blockedBy.length === 0) return 0
    const blockers = await tx.getRows(row.workspaceId, row.blockedBy)
    let unfinished = row.blockedBy.length - blockers.length
    const doneByTable = new Map<string, readonly string[]>([[table.name, table.workflow.done]])
    for (const b of blockers) {
      let done = doneByTable.get(b.table)
      if (done === undefined) {
        done = (await tx.getTable(row.workspaceId, b.table))?.workflow.done ?? []
        doneByTable.set(b.table, done)
      }
      if (!done.includes(b.status)) unfinished++
    }
    return unfinished
  }

  async #checkBlockers(tx: Tx, workspaceId: string, ids: readonly string[], self: string | null): Promise<string[]> {
    const unique = [...new Set(ids)]
    if (self !== null && unique.includes(self)) throw new DockError('invalid_input', 'a row cannot block itself')
    const found = await tx.getRows(workspaceId, unique)
    if (found.length !== unique.length) {
      const known = new Set(found.map((r) => r.id))
      throw new DockError(
        'invalid_input',
        `blockedBy names unknown rows: ${unique.filter((i) => !known.has(i)).join(', ')}`,
      )
    }
    return unique
  }

  async #validateValues(
    tx: Tx,
    table: Table,
    values: Record<string, unknown>,
    creating: boolean,
  ): Promise<Record<string, unknown>> {
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
        if (target === null || target.table !== col.table)
          problems.push(`"${col.name}" names no row of table ${col.table}`)
      }
      out[col.name] = v
    }
    if (problems.length > 0) throw new DockError('invalid_input', problems.join('; '), { details: { problems } })
    return out
  }

  /** Rows with a live owner, across the workspace's tables (one owner's when given). */
  async openClaims(tx: Tx, workspaceId: string, owner?: string): Promise<Row[]> {
    const out: Row[] = []
    for (const t of await tx.listTables(workspaceId)) {
      // A table republished without a claim rule may still hold claims taken under the old
      // one; for one owner (suspension releases them) look for those by owner alone.
      if (t.workflow.claim === null && owner === undefined) continue
      const statuses = t.workflow.claim === null ? {} : { statuses: [t.workflow.claim.to] }
      const rows = await tx.queryRows({
        workspaceId,
        table: t.name,
        ...statuses,
        order: 'seq',
        limit: 10_000,
        ...(owner ? { owner } : {}),
      })
      out.push(...rows.filter((r) => r.owner !== null))
    }
    return out
  }
}

/** Where a claimed row goes when its claim ends without a transition: the status it was claimed from, if the workflow still has it. */
function statusBeforeClaim(table: Table, row: Row): string {
  const statuses = table.workflow.statuses
  if (row.claimedFrom !== null && statuses.includes(row.claimedFrom)) return row.claimedFrom
  const first = table.workflow.claim?.from[0]
  if (first !== undefined) return first
  return statuses.includes(row.status) ? row.status : table.workflow.initial
}

function refuseProtoKeys(values: unknown): void {
  const at = findProtoKey(values)
  if (at !== null)
    throw new DockError('invalid_input', `values have a __proto__ key at ${at}`, { details: { path: at } })
}

function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url')
}

function decodeCursor(cursor: string): number {
  const m = /^s:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())
  if (m === null) throw new DockError('invalid_input', 'malformed cursor')
  return Number(m[1])
}
