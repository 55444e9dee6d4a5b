import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as sdk from '../../src/client/index.js'

const clientDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'client')

describe('client SDK surface', () => {
  it('is browser-safe: no node: or server imports, domain imports are type-only', async () => {
    const files = (await readdir(clientDir)).filter((f) => f.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(3)
    for (const file of files) {
      const source = await readFile(join(clientDir, file), 'utf8')
      for (const m of source.matchAll(/^(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gms)) {
        const [, , typeOnly, specifier] = m
        const where = `${file}: ${specifier}`
        expect(specifier, where).not.toMatch(/^node:|^fs$|^path$|^http$/)
        // ./node/ is the Node-only entry (child processes for `dock worker`); the root never reaches it.
        expect(specifier, where).not.toMatch(/^\.\/node\//)
        if (!specifier!.startsWith('./')) {
          // Outside the SDK folder only the domain's and the API contracts' types (never zod itself)
          // and the merge library may be reached.
          expect(
            specifier === 'node-diff3' ||
              ((specifier!.startsWith('../domain/') || specifier!.startsWith('../api/')) && typeOnly !== undefined),
            where,
          ).toBe(true)
        }
      }
      expect(source, file).not.toMatch(/\bprocess\.|\bBuffer\b|require\(/)
    }
  })

  it('exports the client, its error and the merge helpers by name', () => {
    expect(Object.keys(sdk).sort()).toEqual(
      [
        'DockApiError',
        'DockClient',
        'MergeConflictError',
        'SseParser',
        'WorkerConfigError',
        'isDockApiError',
        'isMergeConflictError',
        'mergeText',
        'planWorker',
        'runWorker',
        'watchEvents',
      ].sort(),
    )
  })

  it('has a method for every route of the API reference', () => {
    const methods = [
      'health',
      'me',
      'openapi',
      'createWorkspace',
      'getWorkspace',
      'freeze',
      'unfreeze',
      'createPrincipal',
      'listPrincipals',
      'getPrincipal',
      'suspend',
      'resume',
      'createTable',
      'listTables',
      'getTable',
      'publishSchema',
      'createRow',
      'listRows',
      'getRow',
      'patchRow',
      'updateRow',
      'claim',
      'claimNext',
      'heartbeat',
      'release',
      'transition',
      'createDoc',
      'listDocs',
      'getDoc',
      'getDocMarkdown',
      'replaceDoc',
      'getSection',
      'writeSection',
      'writeSectionMerging',
      'sectionHistory',
      'lockDoc',
      'unlockDoc',
      'events',
      'watch',
      'verifyAudit',
    ]
    for (const m of methods)
      expect(typeof (sdk.DockClient.prototype as unknown as Record<string, unknown>)[m], m).toBe('function')
  })
})
