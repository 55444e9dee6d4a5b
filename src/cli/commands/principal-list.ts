import type { Command } from 'commander'

import type { PrincipalView } from '../../client/index.js'
import { connect, emit, globalOptions } from '../context.js'
import { renderTable } from '../format.js'
import type { CliIo } from '../io.js'

/** `dock principal list`: every principal with its open claims. */
export function registerPrincipalListCommand(group: Command, io: CliIo): void {
  group
    .command('list')
    .alias('ls')
    .description('list principals with their open claims')
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const items: PrincipalView[] = []
      let cursor: string | undefined
      do {
        const page = await dock.listPrincipals(cursor === undefined ? {} : { cursor })
        items.push(...page.items)
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined)
      await emit(io, options, items, (ps) =>
        renderTable(
          ['name', 'id', 'kind', 'roles', 'skills', 'status', 'claims'],
          ps.map((p) => [
            p.name,
            p.id,
            p.kind,
            p.roles,
            p.skills,
            p.status,
            p.openClaims.map((c) => `${c.table}/${c.id}`),
          ]),
        ),
      )
    })
}
