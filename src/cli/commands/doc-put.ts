import type { Command } from 'commander'

import { isDockApiError, type DockClient } from '../../client/index.js'
import type { Doc } from '../../domain/types.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { parseInteger, textFrom } from '../parse.js'

interface PutOptions {
  content?: string
  expectVersion?: string
  force?: boolean
}

/** `dock doc put <doc> [file]`: create a doc, or replace it whole under a version precondition. */
export function registerDocPutCommand(group: Command, io: CliIo): void {
  group
    .command('put <doc> [file]')
    .description(
      'create a doc, or replace it whole (needs --expect-version, or --force); content from file, - (stdin) or --content',
    )
    .option('--content <markdown>', 'the content inline')
    .option('--expect-version <n>', 'replace only if the doc is at this version')
    .option('--force', "replace whatever version is current (others' concurrent edits are lost)")
    .action(async (name: string, file: string | undefined, opts: PutOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const content = textFrom(file, opts.content, 'the doc content')
      const dock = await connect(options)
      const existing = await findDoc(dock, name)
      if (existing === null) {
        const created = await dock.createDoc({ title: name, content })
        await emit(
          io,
          options,
          created,
          (d) => `created doc ${d.title} (${d.id}), ${d.sections.length} sections, v${d.version}\n`,
        )
        return
      }
      let expectedVersion =
        opts.expectVersion === undefined ? undefined : parseInteger(opts.expectVersion, '--expect-version')
      if (expectedVersion === undefined && opts.force === true) expectedVersion = existing.version
      const replaced = await dock.replaceDoc(
        existing.id,
        expectedVersion === undefined ? { content } : { content, expectedVersion },
      )
      await emit(
        io,
        options,
        replaced,
        (d) => `replaced doc ${d.title} (${d.id}), ${d.sections.length} sections, v${d.version}\n`,
      )
    })
}

async function findDoc(dock: DockClient, name: string): Promise<Doc | null> {
  try {
    return await dock.getDoc(name)
  } catch (err) {
    if (isDockApiError(err) && err.code === 'not_found') return null
    throw err
  }
}
