import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string
  version: string
  bin: Record<string, string>
  exports: Record<string, { types: string; default: string } | string>
}
const built = existsSync(join(root, 'dist', 'cli', 'main.js'))
const suite = built ? describe : describe.skip

describe('the package', () => {
  it('is dock-crew (the npm name dock is taken by an unrelated package) with the dock command', () => {
    expect(pkg.name).toBe('dock-crew')
    expect(pkg.bin).toEqual({ dock: 'bin/dock.js' })
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      name: string
      packages: Record<string, { name?: string }>
    }
    expect([lock.name, lock.packages['']?.name]).toEqual(['dock-crew', 'dock-crew'])
  })

  it('exports the SDK at the root and at ./client, types beside the JS', () => {
    for (const entry of ['.', './client']) {
      expect(pkg.exports[entry]).toEqual({ types: './dist/client/index.d.ts', default: './dist/client/index.js' })
    }
  })
})

suite(
  built
    ? 'the built package (dist/)'
    : 'the built package (skipped: dist/ is missing; run npx tsc -p tsconfig.build.json)',
  () => {
    it('the ./client export (dist/client/index.js) is a browser-safe SDK: no node: module anywhere in its import graph', async () => {
      const entry = join(root, 'dist', 'client', 'index.js')
      const seen = new Set<string>()
      const visit = (file: string): void => {
        if (seen.has(file)) return
        seen.add(file)
        const source = readFileSync(file, 'utf8')
        for (const m of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)) {
          const spec = m[1] ?? m[2] ?? ''
          expect(spec, `${file} imports ${spec}`).not.toMatch(
            /^node:|^(fs|path|http|net|child_process|better-sqlite3|pg|fastify)$/,
          )
          if (spec.startsWith('.')) visit(resolve(dirname(file), spec))
        }
      }
      visit(entry)
      expect(seen.size).toBeGreaterThan(3)
      const sdk = (await import(entry)) as { DockClient?: unknown }
      expect(typeof sdk.DockClient).toBe('function')
      expect(existsSync(join(root, 'dist', 'client', 'index.d.ts'))).toBe(true)
    })

    it('bin/dock.js runs the build and reports the version read from package.json', async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'dock.js'), '--version'])
      expect(stdout.trim()).toBe(pkg.version)
    })
  },
)
