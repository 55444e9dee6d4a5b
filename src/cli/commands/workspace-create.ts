import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'

/**
 * `dock workspace create <name>`: a new workspace with its own operator, whose
 * key is printed once. Keys belong to one workspace, so the creator's key does
 * not reach the new one: the new key does, and the CLI picks a key's workspace
 * by itself, so `DOCK_TOKEN=<new key>` is all it takes to work there.
 */
export function registerWorkspaceCreateCommand(group: Command, io: CliIo): void {
  group
    .command('create <name>')
    .description(
      'create a workspace (operator); prints the key of its own operator, once (your key stays in its workspace)',
    )
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const created = await (await connect(options)).createWorkspace(name)
      await emit(
        io,
        options,
        created,
        ({ workspace, operator }) =>
          `created workspace ${workspace.name} (${workspace.id}) with its operator ${operator.principal.name} (${operator.principal.id})\n` +
          `operator key: ${operator.key}\n` +
          `(shown only now. Keys belong to one workspace: this key works in ${workspace.name}, yours stays in its own.\n` +
          ` Work there with: export DOCK_TOKEN=${operator.key}   — the CLI picks the key's workspace by itself)\n`,
      )
    })
}
