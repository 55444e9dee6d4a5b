import type { Command } from 'commander'

import type { CliIo } from '../io.js'
import { registerWorkspaceCreateCommand } from './workspace-create.js'
import { registerWorkspaceListCommand } from './workspace-list.js'
import { registerWorkspaceShowCommand } from './workspace-show.js'

/** `dock workspace list|create|show`: units of isolation. */
export function registerWorkspaceCommand(program: Command, io: CliIo): void {
  const workspace = program.command('workspace').description('workspaces, the unit of isolation: list, create, show')
  registerWorkspaceListCommand(workspace, io)
  registerWorkspaceCreateCommand(workspace, io)
  registerWorkspaceShowCommand(workspace, io)
}
