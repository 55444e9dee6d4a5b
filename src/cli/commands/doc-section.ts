import type { Command } from 'commander'

import { CliError } from '../cli-error.js'
import { connect, emit, globalOptions } from '../context.js'
import { ensureNewline } from '../doc-view.js'
import type { CliIo } from '../io.js'
import { parseInteger, textFrom } from '../parse.js'

interface SectionOptions {
  body?: string
  heading?: string
  expectVersion?: string
  lane?: string
}

/** `dock doc section <doc> <key> [file]`: read one section, or write it. */
export function registerDocSectionCommand(group: Command, io: CliIo): void {
  group
    .command('section <doc> <key> [file]')
    .description('read one section, or write it (body from file, - or --body); a new key appends a section')
    .option('--body <markdown>', 'the new body inline')
    .option('--heading <text>', 'heading of a new section (default: the key)')
    .option('--expect-version <n>', 'refuse (409 version_conflict) unless the section is at this version')
    .option(
      '--lane <principal>',
      'make the section a lane only this principal (or an operator) may write; "none" clears it',
    )
    .action(async (name: string, key: string, file: string | undefined, opts: SectionOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      if (file === undefined && opts.body === undefined) {
        if (opts.heading !== undefined || opts.expectVersion !== undefined || opts.lane !== undefined) {
          throw new CliError('usage', 'nothing to write: give the body as a file, - or --body')
        }
        const section = await dock.getSection(name, key)
        await emit(io, options, section, (s) => ensureNewline(s.body))
        return
      }
      const body = textFrom(file, opts.body, 'the section body')
      const written = await dock.writeSection(name, key, {
        body,
        ...(opts.heading === undefined ? {} : { heading: opts.heading }),
        ...(opts.expectVersion === undefined
          ? {}
          : { expectedVersion: parseInteger(opts.expectVersion, '--expect-version') }),
        ...(opts.lane === undefined ? {} : { lane: opts.lane === 'none' ? null : opts.lane }),
      })
      await emit(
        io,
        options,
        written,
        (w) =>
          `wrote ${name}#${w.section.key} (section v${w.section.version}, doc v${w.doc.version}, revision ${w.doc.revision})\n`,
      )
    })
}
