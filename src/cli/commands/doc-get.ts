import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import { ensureNewline, renderMarkdown, renderSections } from '../doc-view.js'
import type { CliIo } from '../io.js'
import { Names } from '../names.js'

/** `dock doc get <doc>`: a doc as markdown, or its sections with their editors. */
export function registerDocGetCommand(group: Command, io: CliIo): void {
  group
    .command('get <doc>')
    .description('print a doc (id or title) as markdown; --sections for who wrote what')
    .option('--sections', 'a table of its sections: key, version, editor, lane')
    .action(async (name: string, opts: { sections?: boolean }, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const d = await dock.getDoc(name)
      await emit(io, options, d, (v) =>
        opts.sections === true ? renderSections(v, new Names(dock)) : ensureNewline(renderMarkdown(v)),
      )
    })
}
