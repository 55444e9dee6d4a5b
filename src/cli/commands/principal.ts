import type { Command } from 'commander'

import type { CliIo } from '../io.js'
import { registerPrincipalAddCommand } from './principal-add.js'
import { registerPrincipalListCommand } from './principal-list.js'
import { registerPrincipalResumeCommand } from './principal-resume.js'
import { registerPrincipalShowCommand } from './principal-show.js'
import { registerPrincipalSuspendCommand } from './principal-suspend.js'

/** `dock principal add|list|show|suspend|resume`: identities and the kill switch. */
export function registerPrincipalCommand(program: Command, io: CliIo): void {
  const principal = program
    .command('principal')
    .alias('principals')
    .description('agents and humans: add, list, show, suspend, resume')
  registerPrincipalAddCommand(principal, io)
  registerPrincipalListCommand(principal, io)
  registerPrincipalShowCommand(principal, io)
  registerPrincipalSuspendCommand(principal, io)
  registerPrincipalResumeCommand(principal, io)
}
