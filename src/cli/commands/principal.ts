import type { Command } from 'commander'

import type { PrincipalView } from '../../client/index.js'
import { ROLES, type Principal, type Role } from '../../domain/types.js'
import { CliError } from '../cli-error.js'
import { connect, emit, globalOptions } from '../context.js'
import { renderTable } from '../format.js'
import type { CliIo } from '../io.js'
import { collectList, parseInteger, readTextFile } from '../parse.js'

interface AddOptions {
  kind?: string
  role?: string[]
  skills?: string[]
  budget?: string
  publicKey?: string
}

/** `dock principal add|list|show|suspend|resume`: identities and the kill switch. */
export function registerPrincipalCommand(program: Command, io: CliIo): void {
  const principal = program.command('principal').alias('principals').description('agents and humans: add, list, suspend, resume')

  principal
    .command('add <name>')
    .description('create a principal and print its key (shown once)')
    .option('--kind <kind>', 'agent or human', 'agent')
    .option('--role <roles>', `roles, comma-separated or repeated (${ROLES.join(', ')})`, collectList)
    .option('--skills <skills>', 'skills, comma-separated or repeated', collectList)
    .option('--budget <n>', 'writes allowed per minute')
    .option('--public-key <file>', 'Ed25519 public key (PEM) the principal signs its writes with')
    .action(async (name: string, opts: AddOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      if (opts.kind !== 'agent' && opts.kind !== 'human') throw new CliError('usage', `--kind must be agent or human, not ${opts.kind}`)
      const roles = (opts.role ?? []).map(checkRole)
      const created = await connect(options).createPrincipal({
        name,
        kind: opts.kind,
        ...(roles.length > 0 ? { roles } : {}),
        ...(opts.skills === undefined ? {} : { skills: opts.skills }),
        ...(opts.budget === undefined ? {} : { budget: { writesPerMinute: parseInteger(opts.budget, '--budget') } }),
        ...(opts.publicKey === undefined ? {} : { publicKey: readTextFile(opts.publicKey).trim() }),
      })
      emit(io, options, created, ({ principal: p, key }) =>
        `created ${p.kind} ${p.name} (${p.id}) roles ${list(p.roles)} skills ${list(p.skills)}\n` +
        `key: ${key}\n` +
        `(the key is shown only now; store it, e.g. export DOCK_TOKEN=${key})\n`,
      )
    })

  principal
    .command('list')
    .alias('ls')
    .description('list principals with their open claims')
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = connect(options)
      const items: PrincipalView[] = []
      let cursor: string | undefined
      do {
        const page = await dock.listPrincipals(cursor === undefined ? {} : { cursor })
        items.push(...page.items)
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined)
      emit(io, options, items, (ps) =>
        renderTable(
          ['name', 'id', 'kind', 'roles', 'skills', 'status', 'claims'],
          ps.map((p) => [p.name, p.id, p.kind, p.roles, p.skills, p.status, p.openClaims.map((c) => `${c.table}/${c.id}`)]),
        ),
      )
    })

  principal
    .command('show <principal>')
    .description('one principal (id or name) with its open claims and budget use')
    .action(async (who: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const p = await connect(options).getPrincipal(who)
      emit(io, options, p, (v) => {
        const head = `${v.name} (${v.id}) ${v.kind}, ${v.status}; roles ${list(v.roles)}; skills ${list(v.skills)}; writes/min ${v.budget.writesPerMinute ?? 'unlimited'} (used ${v.budgetUsed})\n`
        if (v.openClaims.length === 0) return `${head}no open claims\n`
        return head + renderTable(['table', 'row', 'status', 'lease expires', 'token'], v.openClaims.map((c) => [c.table, c.id, c.status, c.leaseExpiresAt, c.fencingToken]))
      })
    })

  for (const verb of ['suspend', 'resume'] as const) {
    principal
      .command(`${verb} <principal>`)
      .description(verb === 'suspend' ? 'kill switch: refuse its requests, close its streams, release its leases' : 'let a suspended principal act again')
      .action(async (who: string, _opts: unknown, cmd: Command) => {
        const options = globalOptions(cmd, io)
        const dock = connect(options)
        const p: Principal = verb === 'suspend' ? await dock.suspend(who) : await dock.resume(who)
        emit(io, options, p, (v) => `${v.name} (${v.id}) is ${v.status}\n`)
      })
  }
}

function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new CliError('usage', `unknown role ${role} (one of ${ROLES.join(', ')})`)
  return role as Role
}

function list(items: readonly string[]): string {
  return items.length === 0 ? '-' : items.join(',')
}
