import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import { formatCell, renderTable } from '../format.js'
import type { CliIo } from '../io.js'

/** `dock principal show <principal>`: one principal, its claims and budget use. */
export function registerPrincipalShowCommand(group: Command, io: CliIo): void {
  group
    .command('show <principal>')
    .description('one principal (id or name) with its open claims and budget use')
    .action(async (who: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const p = await (await connect(options)).getPrincipal(who)
      await emit(io, options, p, (v) => {
        const head =
          `${v.name} (${v.id}) ${v.kind}, ${v.status}; roles ${formatCell(v.roles)}; skills ${formatCell(v.skills)}; ` +
          `writes/min ${v.budget.writesPerMinute ?? 'unlimited'} (used ${v.budgetUsed})\n`
        if (v.openClaims.length === 0) return `${head}no open claims\n`
        return (
          head +
          renderTable(
            ['table', 'row', 'status', 'lease expires', 'token'],
            v.openClaims.map((c) => [c.table, c.id, c.status, c.leaseExpiresAt, c.fencingToken]),
          )
        )
      })
    })
}
