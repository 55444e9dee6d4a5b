import type { CreateTableBody, PublishSchemaBody } from '../api/tables.js'
import { normalizeContract } from '../domain/contract.js'
import { DockError } from '../domain/errors.js'
import { newId } from '../domain/ids.js'
import type { Column, Table } from '../domain/types.js'
import type { Tx } from '../storage/storage.js'
import { authorize } from './access.js'
import { findTable } from './lookups.js'
import type { ServiceCore } from './service-core.js'
import type { Caller } from './service-types.js'

/** Typed tables and their versioned contracts. */
export class TableService {
  readonly #core: ServiceCore

  constructor(core: ServiceCore) {
    this.#core = core
  }

  async createTable(caller: Caller, ws: string, input: CreateTableBody): Promise<Table> {
    authorize(caller, 'table.create')
    const { columns, workflow } = normalizeContract(input.columns, input.workflow)
    return this.#core.write(caller, ws, async (scope) => {
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
    const w = await this.#core.readWorkspace(caller, ws)
    return this.#core.storage.read((tx) => tx.listTables(w.id))
  }

  async getTable(caller: Caller, ws: string, name: string): Promise<Table> {
    const w = await this.#core.readWorkspace(caller, ws)
    return this.#core.storage.read((tx) => findTable(tx, w.id, name))
  }

  /** Publishes a new contract version; rows written against the old one are refused if they pin it. */
  async publishSchema(caller: Caller, ws: string, name: string, input: PublishSchemaBody): Promise<Table> {
    // Operators only: the contract carries the gates, and nobody may loosen a gate on their own work.
    authorize(caller, 'table.publish')
    const { columns, workflow } = normalizeContract(input.columns, input.workflow)
    return this.#core.write(caller, ws, async (scope) => {
      const table = await findTable(scope.tx, scope.workspace.id, name)
      if (input.expectedVersion !== undefined && input.expectedVersion !== table.contractVersion) {
        throw new DockError('version_conflict', `table ${name} is at contract version ${table.contractVersion}`, {
          details: { current: table },
        })
      }
      await this.#checkRefColumns(scope.tx, scope.workspace.id, columns, name)
      const next: Table = { ...table, contractVersion: table.contractVersion + 1, columns, workflow }
      await scope.tx.updateTable(next)
      // Rows of this table that stop (or start) counting as finished change the readiness of the rows they block.
      const before = table.workflow.done
      const after = next.workflow.done
      const leftDone = before.filter((s) => !after.includes(s))
      const becameDone = after.filter((s) => !before.includes(s))
      await scope.tx.adjustDependentsOfTable(scope.workspace.id, table.name, leftDone, 1)
      await scope.tx.adjustDependentsOfTable(scope.workspace.id, table.name, becameDone, -1)
      await scope.emit('table.schema_published', { kind: 'table', id: table.id, table: name }, table, next)
      return next
    })
  }
}
