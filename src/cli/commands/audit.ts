import type { Command } from 'commander'

import type { CliIo } from '../io.js'
import { registerAuditVerifyCommand } from './audit-verify.js'

/** `dock audit …`: the tamper-evident log. */
export function registerAuditCommand(program: Command, io: CliIo): void {
  const audit = program.command('audit').description('the tamper-evident log: verify')
  registerAuditVerifyCommand(audit, io)
}
