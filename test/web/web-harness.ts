/**
 * What the browser suites share: a dist/web no older than src/web, a headless
 * Chromium, and the test world's server serving that UI.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'

import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/test-world.js'

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
export const ARTIFACTS = join(ROOT, 'test/web/artifacts')

/** Newest modification time of the UI sources, to rebuild a dist/web older than them. */
function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs)
  }
  return newest
}

/** Builds dist/web when it is missing or older than src/web, and makes the artifacts folder. */
export function ensureWebBuild(): void {
  const index = join(ROOT, 'dist/web/index.html')
  if (!existsSync(index) || statSync(index).mtimeMs < newestSource(join(ROOT, 'src/web'))) {
    // NODE_ENV=production as in `npm run build`: vitest sets NODE_ENV=test, which Vite passes on to
    // React, so this would write React's development build (StrictMode double effects, slower
    // renders) to the dist/web that `dock serve` ships, and test a different UI than users get.
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'src/web/vite.config.ts'],
      { cwd: ROOT, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } },
    )
  }
  mkdirSync(ARTIFACTS, { recursive: true })
}

/** The test world's server with the built UI on its port (SQLite: the browser suites run once). */
export function startWebServer(options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({ store: 'sqlite', webRoot: join(ROOT, 'dist/web'), ...options })
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
