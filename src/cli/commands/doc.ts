import type { Command } from 'commander'

import type { CliIo } from '../io.js'
import { registerDocGetCommand } from './doc-get.js'
import { registerDocListCommand } from './doc-list.js'
import { registerDocPutCommand } from './doc-put.js'
import { registerDocSectionCommand } from './doc-section.js'

/** `dock doc list|get|put|section`: sectioned markdown docs. */
export function registerDocCommand(program: Command, io: CliIo): void {
  const doc = program
    .command('doc')
    .alias('docs')
    .description('markdown docs split into sections: list, get, put, section')
  registerDocListCommand(doc, io)
  registerDocGetCommand(doc, io)
  registerDocPutCommand(doc, io)
  registerDocSectionCommand(doc, io)
}
