import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { Names } from '../names.js'

/** `dock row note <table> <id> <text…>` adds a note; `dock row notes <table> <id>` lists them. */
export function registerRowNoteCommands(group: Command, io: CliIo): void {
  group
    .command('note <table> <id> <text...>')
    .description('add an attributed note to a row (a send-back reason, a question, a hand-off remark)')
    .action(async (table: string, id: string, words: string[], _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const note = await dock.addNote(table, id, words.join(' '))
      await emit(io, options, note, (n) => `noted on ${n.table}/${n.rowId} at rev ${n.revision}\n`)
    })
  group
    .command('notes <table> <id>')
    .description("a row's notes, oldest first")
    .action(async (table: string, id: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const page = await dock.notes(table, id, { limit: 500 })
      await emit(io, options, page, async (p) => {
        if (p.items.length === 0) return '(no notes)\n'
        const names = new Names(dock)
        await names.loadPrincipals(p.items.map((n) => n.actor))
        return p.items.map((n) => `${n.ts}  ${names.principal(n.actor)}: ${n.text}\n`).join('')
      })
    })
}
