import type { Command } from 'commander'

import { CliError } from '../cli-error.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'

/** `dock audit verify`: re-check the log's hash chain; exits non-zero on a break. */
export function registerAuditVerifyCommand(group: Command, io: CliIo): void {
  group
    .command('verify')
    .description('re-check the hash chain end to end; reports the first break')
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const report = await (await connect(options)).verifyAudit()
      await emit(io, options, report, (r) =>
        r.ok
          ? `audit ok: ${r.checked} events checked, chain intact to revision ${r.headRevision}\n`
          : `audit BROKEN at revision ${r.firstBreak?.revision ?? '?'}: ${r.firstBreak?.reason ?? 'unknown'} (${r.checked} events checked, head ${r.headRevision})\n`,
      )
      if (!report.ok)
        throw new CliError('audit_broken', `the hash chain breaks at revision ${report.firstBreak?.revision ?? '?'}`)
    })
}
