import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import { renderTable } from '../format.js'
import type { CliIo } from '../io.js'

/** `dock doc list`: the docs of the workspace. */
export function registerDocListCommand(group: Command, io: CliIo): void {
  group
    .command('list')
    .alias('ls')
    .description('docs of the workspace')
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const docs = await (await connect(options)).listDocs()
      await emit(io, options, docs, (ds) =>
        renderTable(
          ['title', 'id', 'version', 'sections', 'updated'],
          ds.map((d) => [d.title, d.id, d.version, d.sections?.length, d.updatedAt]),
        ),
      )
    })
}
