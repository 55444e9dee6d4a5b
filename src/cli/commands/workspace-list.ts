import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import { renderTable } from '../format.js'
import type { CliIo } from '../io.js'

/** `dock workspace list`: the workspaces your key belongs to. */
export function registerWorkspaceListCommand(group: Command, io: CliIo): void {
  group
    .command('list')
    .description(
      'the workspaces your key belongs to (a key belongs to one; `workspace create` prints a key for the new one)',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      // Listing needs no workspace: do not ask /me first.
      const dock = await connect({ ...options, workspace: options.workspace ?? 'default' })
      const items = await dock.listWorkspaces()
      await emit(io, options, items, (list) =>
        renderTable(
          ['name', 'id', 'revision', 'frozen', 'created'],
          list.map((w) => [w.name, w.id, w.revision, w.frozen, w.createdAt]),
        ),
      )
    })
}
