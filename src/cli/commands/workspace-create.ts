import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'

/** `dock workspace create <name>`: a new workspace with its own operator, whose key is printed once. */
export function registerWorkspaceCreateCommand(group: Command, io: CliIo): void {
  group
    .command('create <name>')
    .description('create a workspace (operator); prints the key of its own operator, once')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const created = await connect(options).createWorkspace(name)
      await emit(io, options, created, ({ workspace, operator }) =>
        `created workspace ${workspace.name} (${workspace.id})\n` +
        `operator key: ${operator.key}\n` +
        `(shown only now; use it with --workspace ${workspace.name} --token <key>, or DOCK_WORKSPACE and DOCK_TOKEN)\n`,
      )
    })
}
