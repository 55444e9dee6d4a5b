import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'

/** `dock principal resume <principal>`: lift a suspension (operator). */
export function registerPrincipalResumeCommand(group: Command, io: CliIo): void {
  group
    .command('resume <principal>')
    .description('let a suspended principal act again (operator)')
    .action(async (who: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const p = await (await connect(options)).resume(who)
      await emit(io, options, p, (v) => `${v.name} (${v.id}) is ${v.status}\n`)
    })
}
