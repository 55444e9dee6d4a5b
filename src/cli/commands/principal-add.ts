import type { Command } from 'commander'

import * as principals from '../../api/principals.js'
import { ROLES, type Role } from '../../domain/types.js'
import { CliError } from '../cli-error.js'
import { contractInput } from '../contract-input.js'
import { connect, emit, globalOptions } from '../context.js'
import { formatCell } from '../format.js'
import type { CliIo } from '../io.js'
import { collectList, parseInteger, readTextFile } from '../parse.js'

interface AddOptions {
  kind?: string
  role?: string[]
  skills?: string[]
  budget?: string
  publicKey?: string
}

/** `dock principal add <name>`: a new identity; its key is printed once. */
export function registerPrincipalAddCommand(group: Command, io: CliIo): void {
  group
    .command('add <name>')
    .description('create a principal and print its key (shown once)')
    .option('--kind <kind>', 'agent or human', 'agent')
    .option('--role <roles>', `roles, comma-separated or repeated (${ROLES.join(', ')})`, collectList)
    .option('--skills <skills>', 'skills, comma-separated or repeated', collectList)
    .option('--budget <n>', 'writes allowed per minute')
    .option('--public-key <file>', 'Ed25519 public key (PEM) the principal signs its writes with')
    .action(async (name: string, opts: AddOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      if (opts.kind !== 'agent' && opts.kind !== 'human')
        throw new CliError('usage', `--kind must be agent or human, not ${opts.kind}`)
      const roles = (opts.role ?? []).map(checkRole)
      const input = contractInput(
        principals.createPrincipal.body,
        {
          name,
          kind: opts.kind,
          ...(roles.length > 0 ? { roles } : {}),
          ...(opts.skills === undefined ? {} : { skills: opts.skills }),
          ...(opts.budget === undefined ? {} : { budget: { writesPerMinute: parseInteger(opts.budget, '--budget') } }),
          ...(opts.publicKey === undefined ? {} : { publicKey: readTextFile(opts.publicKey).trim() }),
        },
        'principal',
      )
      const created = await (await connect(options)).createPrincipal(input)
      await emit(
        io,
        options,
        created,
        ({ principal: p, key }) =>
          `created ${p.kind} ${p.name} (${p.id}) roles ${formatCell(p.roles)} skills ${formatCell(p.skills)}\n` +
          `key: ${key}\n` +
          `(the key is shown only now; store it, e.g. export DOCK_TOKEN=${key})\n`,
      )
    })
}

function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role))
    throw new CliError('usage', `unknown role ${role} (one of ${ROLES.join(', ')})`)
  return role as Role
}
