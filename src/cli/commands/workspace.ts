import type { Command } from 'commander'

import type { CliIo } from '../io.js'
import { registerWorkspaceCreateCommand } from './workspace-create.js'
import { registerWorkspaceShowCommand } from './workspace-show.js'

/** `dock workspace create|show`: units of isolation. */
export function registerWorkspaceCommand(program: Command, io: CliIo): void {
  const workspace = program.command('workspace').description('workspaces, the unit of isolation: create, show')
  registerWorkspaceCreateCommand(workspace, io)
  registerWorkspaceShowCommand(workspace, io)
}
