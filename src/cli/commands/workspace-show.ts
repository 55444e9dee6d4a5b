import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import { renderRecord } from '../format.js'
import type { CliIo } from '../io.js'

/** `dock workspace show [ws]`: revision, frozen flag and creation time. */
export function registerWorkspaceShowCommand(group: Command, io: CliIo): void {
  group
    .command('show [workspace]')
    .description('a workspace (default: --workspace / DOCK_WORKSPACE): its revision and whether it is frozen')
    .action(async (name: string | undefined, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const ws = await (await connect(options)).getWorkspace(name ?? options.workspace)
      await emit(io, options, ws, (w) =>
        renderRecord([
          ['name', w.name],
          ['id', w.id],
          ['revision', w.revision],
          ['frozen', w.frozen],
          ['created', w.createdAt],
        ]),
      )
    })
}
