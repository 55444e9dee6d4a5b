import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'

/** `dock principal suspend <principal>`: the kill switch (operator). */
export function registerPrincipalSuspendCommand(group: Command, io: CliIo): void {
  group
    .command('suspend <principal>')
    .description('kill switch: refuse its requests, close its streams, release its leases (operator)')
    .action(async (who: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const p = await (await connect(options)).suspend(who)
      await emit(io, options, p, (v) => `${v.name} (${v.id}) is ${v.status}\n`)
    })
}
