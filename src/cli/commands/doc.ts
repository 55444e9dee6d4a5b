import type { Command } from 'commander'

import { isDockApiError, type DockClient } from '../../client/index.js'
import type { Doc } from '../../domain/types.js'
import { CliError } from '../cli-error.js'
import { connect, emit, globalOptions } from '../context.js'
import { renderTable } from '../format.js'
import type { CliIo } from '../io.js'
import { parseInteger, readTextFile } from '../parse.js'
import { Names } from '../names.js'

interface PutOptions {
  content?: string
  expectVersion?: string
  force?: boolean
}

interface SectionOptions {
  body?: string
  heading?: string
  expectVersion?: string
  lane?: string
}

/** `dock doc list|get|put|section`: sectioned markdown docs. */
export function registerDocCommand(program: Command, io: CliIo): void {
  const doc = program.command('doc').alias('docs').description('markdown docs split into sections: list, get, put, section')

  doc
    .command('list')
    .alias('ls')
    .description('docs of the workspace')
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const docs = await connect(options).listDocs()
      emit(io, options, docs, (ds) =>
        renderTable(['title', 'id', 'version', 'sections', 'updated'], ds.map((d) => [d.title, d.id, d.version, d.sections?.length, d.updatedAt])),
      )
    })

  doc
    .command('get <doc>')
    .description('print a doc (id or title) as markdown; --sections for who wrote what')
    .option('--sections', 'a table of its sections: key, version, editor, lane')
    .action(async (name: string, opts: { sections?: boolean }, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = connect(options)
      const d = await dock.getDoc(name)
      if (options.json) emit(io, options, d, () => '')
      else if (opts.sections === true) io.stdout(await renderSections(d, new Names(dock)))
      else io.stdout(ensureNewline(renderMarkdown(d)))
    })

  doc
    .command('put <doc> [file]')
    .description('create a doc, or replace it whole (needs --expect-version, or --force); content from file, - (stdin) or --content')
    .option('--content <markdown>', 'the content inline')
    .option('--expect-version <n>', 'replace only if the doc is at this version')
    .option('--force', 'replace whatever version is current (others\' concurrent edits are lost)')
    .action(async (name: string, file: string | undefined, opts: PutOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const content = contentFrom(file, opts.content, 'the doc content')
      const dock = connect(options)
      const existing = await findDoc(dock, name)
      if (existing === null) {
        const created = await dock.createDoc({ title: name, content })
        emit(io, options, created, (d) => `created doc ${d.title} (${d.id}), ${d.sections.length} sections, v${d.version}\n`)
        return
      }
      let expectedVersion = opts.expectVersion === undefined ? undefined : parseInteger(opts.expectVersion, '--expect-version')
      if (expectedVersion === undefined && opts.force === true) expectedVersion = existing.version
      const replaced = await dock.replaceDoc(existing.id, expectedVersion === undefined ? { content } : { content, expectedVersion })
      emit(io, options, replaced, (d) => `replaced doc ${d.title} (${d.id}), ${d.sections.length} sections, v${d.version}\n`)
    })

  doc
    .command('section <doc> <key> [file]')
    .description('read one section, or write it (body from file, - or --body); a new key appends a section')
    .option('--body <markdown>', 'the new body inline')
    .option('--heading <text>', 'heading of a new section (default: the key)')
    .option('--expect-version <n>', 'refuse (409 version_conflict) unless the section is at this version')
    .option('--lane <principal>', 'make the section a lane only this principal (or an operator) may write; "none" clears it')
    .action(async (name: string, key: string, file: string | undefined, opts: SectionOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = connect(options)
      if (file === undefined && opts.body === undefined) {
        if (opts.heading !== undefined || opts.expectVersion !== undefined || opts.lane !== undefined) {
          throw new CliError('usage', 'nothing to write: give the body as a file, - or --body')
        }
        const section = await dock.getSection(name, key)
        emit(io, options, section, (s) => ensureNewline(s.body))
        return
      }
      const body = contentFrom(file, opts.body, 'the section body')
      const written = await dock.writeSection(name, key, {
        body,
        ...(opts.heading === undefined ? {} : { heading: opts.heading }),
        ...(opts.expectVersion === undefined ? {} : { expectedVersion: parseInteger(opts.expectVersion, '--expect-version') }),
        ...(opts.lane === undefined ? {} : { lane: opts.lane === 'none' ? null : opts.lane }),
      })
      emit(io, options, written, (w) => `wrote ${name}#${w.section.key} (section v${w.section.version}, doc v${w.doc.version}, revision ${w.doc.revision})\n`)
    })
}

function contentFrom(file: string | undefined, inline: string | undefined, what: string): string {
  if (file !== undefined && inline !== undefined) throw new CliError('usage', `give ${what} once: a file or the inline flag, not both`)
  if (inline !== undefined) return inline
  if (file !== undefined) return readTextFile(file)
  throw new CliError('usage', `${what} is missing: give a file, - for standard input, or the inline flag`)
}

async function findDoc(dock: DockClient, name: string): Promise<Doc | null> {
  try {
    return await dock.getDoc(name)
  } catch (err) {
    if (isDockApiError(err) && err.code === 'not_found') return null
    throw err
  }
}

/** The doc back as markdown, from its sections (the preamble has level 0 and no heading line). */
export function renderMarkdown(doc: Doc): string {
  return doc.sections
    .map((s) => {
      const body = s.body.replace(/^\n+|\n+$/g, '')
      const heading = s.level > 0 ? `${'#'.repeat(s.level)} ${s.heading}` : ''
      return [heading, body].filter((part) => part !== '').join('\n\n')
    })
    .filter((part) => part !== '')
    .join('\n\n')
}

async function renderSections(doc: Doc, names: Names): Promise<string> {
  await names.loadPrincipals(doc.sections.flatMap((s) => [s.editedBy, s.lane]))
  const head = `${doc.title} (${doc.id}), v${doc.version}${doc.lock === null ? '' : `, locked by ${names.principal(doc.lock.owner)} until ${doc.lock.expiresAt}`}\n`
  return (
    head +
    renderTable(
      ['key', 'heading', 'v', 'edited by', 'edited at', 'lane'],
      doc.sections.map((s) => [s.key, `${'#'.repeat(s.level)} ${s.heading}`.trim(), s.version, names.principal(s.editedBy), s.editedAt, s.lane === null ? null : names.principal(s.lane)]),
    )
  )
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`
}
