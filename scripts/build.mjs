// The build, one step at a time, saying what each does and how long it took.
// `npm install` runs it (the `prepare` script): a silent minute of compiling
// looks like a hang, and a failure should name the step that failed.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const { name } = require('../package.json')
// A package's own bin file: vite's `exports` do not list it, so resolve from its package.json.
const binOf = (pkg, file) => join(dirname(require.resolve(`${pkg}/package.json`)), file)

const steps = [
  {
    what: 'compiling the server, CLI and SDK to dist/ (tsc)',
    bin: binOf('typescript', 'bin/tsc'),
    args: ['-p', 'tsconfig.build.json'],
  },
  {
    what: 'building the web UI to dist/web (vite)',
    bin: binOf('vite', 'bin/vite.js'),
    args: ['build', '-c', 'src/web/vite.config.ts', '--logLevel', 'warn'],
  },
]

const started = Date.now()
steps.forEach((step, i) => {
  const t0 = Date.now()
  process.stdout.write(`${name}: [${i + 1}/${steps.length}] ${step.what}…\n`)
  const result = spawnSync(process.execPath, [step.bin, ...step.args], { stdio: 'inherit' })
  if (result.status !== 0) {
    process.stderr.write(`${name}: build step ${i + 1} failed (${step.what})\n`)
    process.exit(result.status ?? 1)
  }
  process.stdout.write(`${name}: [${i + 1}/${steps.length}] done in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`)
})
process.stdout.write(`${name}: built in ${((Date.now() - started) / 1000).toFixed(1)}s — try: npm run dock -- --help\n`)
