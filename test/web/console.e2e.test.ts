/**
 * The console in a real Chromium against a real Dock server: humans act in
 * the UI by accessible names, and every claim about the outcome is checked
 * over the HTTP API (what was written, by whom). Screenshots land in
 * test/web/artifacts/ (gitignored).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { OPERATOR_KEY, tasksTable, type TestServer } from '../helpers/test-world.js'
import { ARTIFACTS, ensureWebBuild, launchChromium, ROOT, startWebServer } from './web-harness.js'

const OP = OPERATOR_KEY
const W = '/workspaces/default'
const T = `${W}/tables/tasks`

let srv: TestServer
/** Ours, not the server's: the restart test starts a new server on the same data. */
let dataDir: string
let browser: Browser
const contexts: BrowserContext[] = []
const pageErrors: string[] = []
let agent: { id: string; key: string }
let reviewer: { id: string; key: string }

async function api(
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${srv.url}/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return {
    status: res.status,
    json: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text,
    headers: res.headers,
  }
}

async function ok(key: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await api(key, method, path, body)
  if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.json)}`)
  return r.json
}

/** A signed-in page for one principal (its own browser context: its own localStorage). */
async function signedIn(key: string, hash = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  contexts.push(context)
  await context.addInitScript((k) => localStorage.setItem('dock.key', k), key)
  const page = await context.newPage()
  page.setDefaultTimeout(20_000)
  page.on('pageerror', (err) => pageErrors.push(err.message))
  await page.goto(`${srv.url}/${hash}`)
  await page.locator('[data-testid="feed-status"][data-status="live"]').waitFor()
  return page
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/** axe-core in the page: serious and critical violations, as "rule: target" strings. */
async function axeProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol rather than as a <script> tag: the UI's CSP
  // (script-src 'self') rightly refuses inline scripts, and the test must not loosen it.
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'))
  const violations = await page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            o: object,
          ) => Promise<{
            passes: unknown[]
            violations: { id: string; impact: string; nodes: { target: string[] }[] }[]
          }>
        }
      }
    ).axe.run(document, { resultTypes: ['violations'] })
    return {
      passed: r.passes.length,
      list: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      })),
    }
  })
  // A run that checked nothing would pass silently: make sure rules ran.
  expect(violations.passed).toBeGreaterThan(10)
  return violations.list
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.join(' | ')}`)
}

async function claimToReview(title: string): Promise<any> {
  const row = await ok(OP, 'POST', `${T}/rows`, { values: { title } })
  const c = await ok(agent.key, 'POST', `${T}/rows/${row.id}/claim`, {})
  return ok(agent.key, 'POST', `${T}/rows/${row.id}/transition`, {
    to: 'ready_for_review',
    fencingToken: c.lease.token,
  })
}

beforeAll(async () => {
  ensureWebBuild()
  dataDir = mkdtempSync(join(tmpdir(), 'dock-console-e2e-'))
  srv = await startWebServer({ dataDir, sweepIntervalMs: 100 })
  // Operators review here too (the console's operator passes rows); no owner shortcut past review.
  const consoleFlow = { leaseMs: 600_000, reviewers: ['reviewer', 'operator'], ownerMayFinish: false }
  await ok(
    OP,
    'POST',
    `${W}/tables`,
    tasksTable({
      ...consoleFlow,
      columns: [
        { name: 'area', type: 'enum', values: ['api', 'ui', 'docs'] },
        { name: 'estimate', type: 'integer' },
        { name: 'urgent', type: 'boolean' },
      ],
    }),
  )
  await ok(OP, 'POST', `${W}/tables`, tasksTable({ ...consoleFlow, name: 'fragile', columns: [], maxAttempts: 2 }))
  const a = await ok(OP, 'POST', `${W}/principals`, { name: 'worker-4', kind: 'agent', roles: ['member'] })
  agent = { id: a.principal.id, key: a.key }
  const r = await ok(OP, 'POST', `${W}/principals`, { name: 'rita', kind: 'human', roles: ['reviewer'] })
  reviewer = { id: r.principal.id, key: r.key }
  await ok(OP, 'POST', `${W}/docs`, {
    title: 'Plan',
    content: '# Plan\n\nThe plan.\n\n## Goals\n\n- ship the console\n\n## Risks\n\nline one\nline two\nline three\n',
  })
  browser = await launchChromium()
}, 120_000)

afterEach(async () => {
  expect(pageErrors.splice(0)).toEqual([])
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined)
})

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await srv?.close().catch(() => undefined)
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('the console', () => {
  it('a reviewer approves a ready_for_review row from its drawer: done, and attributed to the reviewer', async () => {
    const row = await claimToReview('Write the spec')
    const page = await signedIn(reviewer.key, `#/board/tasks/${row.id}`)
    const drawer = page.getByRole('complementary', { name: 'Write the spec' })
    await drawer.getByTestId('drawer-status').filter({ hasText: 'ready_for_review' }).waitFor()
    expect(await drawer.getByText('Author').locator('..').textContent()).toContain('worker-4')
    await shot(page, 'drawer-review')
    await drawer.getByRole('button', { name: 'Move to done' }).click()
    await drawer.getByTestId('drawer-status').filter({ hasText: 'done' }).waitFor()

    const after = await ok(OP, 'GET', `${T}/rows/${row.id}`)
    expect(after).toMatchObject({ status: 'done', updatedBy: reviewer.id })
    const log = await ok(OP, 'GET', `${W}/events?row=${row.id}&type=row.transitioned`)
    expect(log.items.at(-1)).toMatchObject({ actor: reviewer.id, target: { status: 'done' } })
    // The timeline shows the move as a sentence, live.
    await drawer
      .getByTestId('row-timeline')
      .getByText(/rita\s+moved it from ready_for_review to done/)
      .waitFor()
  })

  it('the author sees why the gate refuses its own approval', async () => {
    const row = await ok(OP, 'POST', `${T}/rows`, { values: { title: 'Own work' } })
    const c = await ok(OP, 'POST', `${T}/rows/${row.id}/claim`, {})
    await ok(OP, 'POST', `${T}/rows/${row.id}/transition`, { to: 'ready_for_review', fencingToken: c.lease.token })
    const page = await signedIn(OP, `#/board/tasks/${row.id}`)
    const drawer = page.getByRole('complementary', { name: 'Own work' })
    const approve = drawer.getByRole('button', { name: 'Move to done' })
    await approve.waitFor()
    expect(
      await drawer.getByText(/The gate will refuse: the author cannot approve its own work/).count(),
    ).toBeGreaterThan(0)
    await approve.click()
    await drawer.getByRole('alert').filter({ hasText: 'the author cannot approve its own work' }).waitFor()
    await shot(page, 'drawer-refusal')
    expect((await ok(OP, 'GET', `${T}/rows/${row.id}`)).status).toBe('ready_for_review')
  })

  it("New row creates a row from the contract's typed form", async () => {
    const page = await signedIn(OP, '#/board/tasks')
    await page.getByRole('button', { name: 'New row' }).click()
    const form = page.getByRole('form', { name: 'New row in tasks' })
    await form.getByLabel('title').fill('Made in the console')
    await form.getByLabel('area').selectOption('ui')
    await form.getByLabel('estimate').fill('3')
    await form.getByLabel('urgent').check()
    await shot(page, 'new-row')
    await form.getByRole('button', { name: 'Create' }).click()
    const drawer = page.getByRole('complementary', { name: 'Made in the console' })
    await drawer.waitFor()
    const rows = (await ok(OP, 'GET', `${T}/rows?limit=500`)).items as any[]
    const made = rows.find((r) => r.values.title === 'Made in the console')
    expect(made).toMatchObject({
      status: 'todo',
      createdBy: expect.any(String),
      values: { area: 'ui', estimate: 3, urgent: true },
    })
    expect(page.url()).toContain(`#/board/tasks/${made.id}`)

    // A human works it like an agent: claim (a lease), then release with the claim's fencing token.
    await drawer.getByRole('button', { name: 'Claim' }).click()
    await drawer.getByTestId('drawer-owner').filter({ hasText: 'operator' }).waitFor()
    expect(await ok(OP, 'GET', `${T}/rows/${made.id}`)).toMatchObject({
      status: 'in_progress',
      owner: expect.any(String),
    })
    await drawer.getByRole('button', { name: 'Release' }).click()
    await drawer.getByTestId('drawer-status').filter({ hasText: 'todo' }).waitFor()
    expect(await ok(OP, 'GET', `${T}/rows/${made.id}`)).toMatchObject({ status: 'todo', owner: null })
  })

  it('a note added in the UI shows over the API; the drawer follows the row live', async () => {
    const row = await ok(OP, 'POST', `${T}/rows`, { values: { title: 'Watch me' } })
    const page = await signedIn(reviewer.key, `#/board/tasks/${row.id}`)
    const drawer = page.getByRole('complementary', { name: 'Watch me' })
    await drawer.getByLabel('Add a note').fill('Please add a test for the edge case.')
    await drawer.getByRole('button', { name: 'Add note' }).click()
    await drawer.getByTestId('notes').getByText('Please add a test for the edge case.').waitFor()
    const notes = await ok(OP, 'GET', `${T}/rows/${row.id}/notes`)
    expect(notes.items).toEqual([
      expect.objectContaining({ actor: reviewer.id, text: 'Please add a test for the edge case.' }),
    ])

    // An agent claims and edits through the API: the open drawer shows it without a reload.
    await page.evaluate(() => {
      ;(window as unknown as { __noReload: boolean }).__noReload = true
    })
    const c = await ok(agent.key, 'POST', `${T}/rows/${row.id}/claim`, {})
    await drawer.getByTestId('drawer-owner').filter({ hasText: 'worker-4' }).waitFor()
    await ok(agent.key, 'PATCH', `${T}/rows/${row.id}`, { values: { estimate: 5 }, fencingToken: c.lease.token })
    await drawer.getByTestId('row-timeline').locator('li[data-type="row.updated"]').getByText('estimate').waitFor()
    expect(await drawer.getByTestId('row-values').textContent()).toContain('5')
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true)
    await shot(page, 'drawer-live')

    // The row's whole trail is a link: the trail filtered by row, in sentences.
    await drawer.getByRole('link', { name: 'This row in the trail' }).click()
    const own = (await ok(OP, 'GET', `${W}/events?row=${row.id}`)).items as { revision: number }[]
    const list = page.getByTestId('event-list')
    await list.locator(`li[data-revision="${own.at(-1)!.revision}"]`).waitFor()
    expect(await list.locator('li.event').count()).toBe(own.length)
    expect(await page.getByLabel('Row id').inputValue()).toBe(row.id)
    await list.getByText(/rita\s+noted on/).waitFor()
    await shot(page, 'trail-row')
  })

  it('a value edit that lost the race shows the current value and saves only the merge', async () => {
    const row = await ok(OP, 'POST', `${T}/rows`, { values: { title: 'Race', estimate: 1 } })
    const page = await signedIn(OP, `#/board/tasks/${row.id}`)
    const drawer = page.getByRole('complementary', { name: 'Race' })
    await drawer.getByRole('button', { name: 'Edit values' }).click()
    await drawer.getByLabel('estimate').fill('8')
    await ok(agent.key, 'PATCH', `${T}/rows/${row.id}`, {
      values: { estimate: 2, area: 'api' },
      expectedVersion: row.version,
    })
    await drawer.getByRole('button', { name: 'Save values' }).click()
    const conflict = drawer.getByRole('alert').filter({ hasText: 'Someone else saved this row first' })
    await conflict.waitFor()
    expect(await conflict.textContent()).toContain('Current: 2')
    expect((await ok(OP, 'GET', `${T}/rows/${row.id}`)).values).toMatchObject({ estimate: 2, area: 'api' })
    await shot(page, 'drawer-conflict')
    await drawer.getByRole('button', { name: 'Save merged' }).click()
    await drawer.getByRole('button', { name: 'Edit values' }).waitFor()
    // Mine for the clash, theirs for the column only they changed.
    expect((await ok(OP, 'GET', `${T}/rows/${row.id}`)).values).toMatchObject({ estimate: 8, area: 'api' })
  })

  it('the review inbox: a count in the nav, Approve in one click, Send back with a note, keyboard shortcuts', async () => {
    const a = await claimToReview('Inbox approve')
    const b = await claimToReview('Inbox send back')
    const c = await claimToReview('Inbox by key')
    const page = await signedIn(reviewer.key, '#/inbox')
    const nav = page.getByRole('navigation', { name: 'Views' })
    await page.getByRole('heading', { name: 'Review inbox', level: 1 }).waitFor()
    const count = Number(
      await nav
        .getByTestId('inbox-count')
        .textContent()
        .then((t) => t?.trim().split(' ')[0]),
    )
    expect(count).toBeGreaterThanOrEqual(3)
    await shot(page, 'inbox')
    await page.getByRole('button', { name: 'Approve Inbox approve' }).click()
    await page.getByRole('heading', { name: 'Inbox approve' }).waitFor({ state: 'detached' })
    expect(await ok(OP, 'GET', `${T}/rows/${a.id}`)).toMatchObject({ status: 'done', updatedBy: reviewer.id })

    await page.getByLabel('Reason for sending back Inbox send back').fill('The tests do not cover retries.')
    await page.getByRole('button', { name: 'Send back Inbox send back' }).click()
    await page.getByRole('heading', { name: 'Inbox send back' }).waitFor({ state: 'detached' })
    expect((await ok(OP, 'GET', `${T}/rows/${b.id}`)).status).toBe('todo')
    expect((await ok(OP, 'GET', `${T}/rows/${b.id}/notes`)).items[0]).toMatchObject({
      actor: reviewer.id,
      text: 'The tests do not cover retries.',
    })

    // Keyboard: focus the list's item for c, then `a` approves it.
    const item = page.locator(`li.inbox-item[data-row-id="${c.id}"]`)
    await item.focus()
    await page.keyboard.press('a')
    await item.waitFor({ state: 'detached' })
    expect((await ok(OP, 'GET', `${T}/rows/${c.id}`)).status).toBe('done')
  })

  it('a section edit saves; a non-overlapping concurrent edit merges; an overlapping one is shown, not lost', async () => {
    const page = await signedIn(OP, '#/docs')
    const goals = page.locator('section[data-section="goals"]')
    await goals.getByRole('button', { name: 'Edit Goals' }).click()
    await goals.getByRole('textbox', { name: 'Goals' }).fill('- ship the console\n- write the note')
    await goals.getByRole('button', { name: 'Save' }).click()
    await goals.locator('.markdown li', { hasText: 'write the note' }).waitFor()
    expect((await ok(OP, 'GET', `${W}/docs/Plan/sections/goals`)).body).toContain('- write the note')

    const risks = page.locator('section[data-section="risks"]')
    const box = risks.getByRole('textbox', { name: 'Risks' })
    // Different lines: merged by the SDK's three-way merge.
    await risks.getByRole('button', { name: 'Edit Risks' }).click()
    await box.fill('line one\nline two\nline three (mine)')
    const s1 = await ok(OP, 'GET', `${W}/docs/Plan/sections/risks`)
    await ok(agent.key, 'PUT', `${W}/docs/Plan/sections/risks`, {
      body: 'line one (theirs)\nline two\nline three',
      expectedVersion: s1.version,
    })
    await risks.getByRole('button', { name: 'Save' }).click()
    await risks.getByRole('status').filter({ hasText: 'merged with an edit made meanwhile' }).waitFor()
    expect((await ok(OP, 'GET', `${W}/docs/Plan/sections/risks`)).body).toBe(
      'line one (theirs)\nline two\nline three (mine)',
    )

    // Same line: nothing written, both shown, mine kept in the box.
    await risks.getByRole('button', { name: 'Edit Risks' }).click()
    await box.fill('line one (theirs)\nline TWO (mine)\nline three (mine)')
    const s2 = await ok(OP, 'GET', `${W}/docs/Plan/sections/risks`)
    await ok(agent.key, 'PUT', `${W}/docs/Plan/sections/risks`, {
      body: 'line one (theirs)\nline 2 (theirs)\nline three (mine)',
      expectedVersion: s2.version,
    })
    await risks.getByRole('button', { name: 'Save' }).click()
    const clash = risks.getByRole('alert').filter({ hasText: 'Someone changed the same lines meanwhile' })
    await clash.waitFor()
    expect(await clash.textContent()).toContain('line 2 (theirs)')
    expect(await box.inputValue()).toContain('line TWO (mine)')
    expect((await ok(OP, 'GET', `${W}/docs/Plan/sections/risks`)).body).toContain('line 2 (theirs)')
    await shot(page, 'docs-conflict')
    // The human decides: saving now is checked against their version, so it lands.
    await risks.getByRole('button', { name: 'Save' }).click()
    await risks.getByRole('textbox', { name: 'Risks' }).waitFor({ state: 'detached' })
    expect((await ok(OP, 'GET', `${W}/docs/Plan/sections/risks`)).body).toContain('line TWO (mine)')
  })

  it('creates an agent with the key shown once; agents and humans apart; claims link to their drawers', async () => {
    const held = await ok(OP, 'POST', `${T}/rows`, { values: { title: 'Held by worker-4' } })
    await ok(agent.key, 'POST', `${T}/rows/${held.id}/claim`, {})
    const page = await signedIn(OP, '#/agents')
    const form = page.getByRole('region', { name: 'Add an agent or human' })
    await form.getByLabel('Name').fill('scout-1')
    await form.getByRole('button', { name: 'Create principal' }).click()
    const key = (await page.getByTestId('key-value').textContent())!.trim()
    expect(await page.getByTestId('new-key').textContent()).toContain('"DOCK_TOKEN"')
    expect((await api(key, 'GET', '/me')).json.principal.name).toBe('scout-1')
    await page.getByRole('button', { name: 'Copy key' }).waitFor()
    await shot(page, 'agents-create')
    await page.getByRole('button', { name: 'I have stored it' }).click()
    expect(await page.getByTestId('key-value').count()).toBe(0)
    const humans = page.getByRole('region', { name: /^Humans/ })
    await humans.locator('article[data-principal="rita"]').waitFor()
    expect(await humans.locator('article[data-principal="worker-4"]').count()).toBe(0)
    const link = page.locator('article[data-principal="worker-4"]').getByRole('link', { name: 'Held by worker-4' })
    await link.click()
    await page.getByRole('complementary', { name: 'Held by worker-4' }).waitFor()
  })

  it("dead letter: the reason from the row's events, and an operator Requeue", async () => {
    const row = await ok(OP, 'POST', `${W}/tables/fragile/rows`, { values: { title: 'Flaky job' } })
    for (let i = 0; i < 2; i++) {
      await ok(agent.key, 'POST', `${W}/tables/fragile/rows/${row.id}/claim`, { leaseMs: 50 })
      for (let t = 0; t < 100 && (await ok(OP, 'GET', `${W}/tables/fragile/rows/${row.id}`)).owner !== null; t++)
        await new Promise((r) => setTimeout(r, 50))
    }
    expect((await ok(OP, 'GET', `${W}/tables/fragile/rows/${row.id}`)).status).toBe('failed')
    const page = await signedIn(OP, '#/dead')
    const entry = page.locator(`li[data-row-id="${row.id}"]`)
    await entry.getByTestId('dead-reason').filter({ hasText: 'lease expired 2× under worker-4' }).waitFor()
    await shot(page, 'dead-letter')
    await entry.getByRole('button', { name: 'Requeue Flaky job' }).click()
    await page.getByRole('dialog', { name: 'Requeue Flaky job?' }).getByRole('button', { name: 'Requeue' }).click()
    await entry.waitFor({ state: 'detached' })
    expect(await ok(OP, 'GET', `${W}/tables/fragile/rows/${row.id}`)).toMatchObject({ status: 'todo', attempts: 0 })
  })

  it('crew health is the home view, from the stats endpoint', async () => {
    const page = await signedIn(OP)
    await page.getByRole('heading', { name: 'Crew health', level: 1 }).waitFor()
    const stats = await ok(OP, 'GET', `${W}/stats`)
    await page
      .getByTestId('review-waiting')
      .filter({ hasText: String(stats.review.waiting) })
      .waitFor()
    await page.getByRole('row', { name: /worker-4/ }).waitFor()
    await shot(page, 'health')
  })

  it('after a server restart the views load again by themselves (no manual reload)', async () => {
    const page = await signedIn(OP, '#/board/tasks')
    await page.locator('[data-testid="board"]').waitFor()
    await page.evaluate(() => {
      ;(window as unknown as { __noReload: boolean }).__noReload = true
    })
    const port = srv.port
    await srv.close()
    await page.locator('[data-testid="feed-status"]:not([data-status="live"])').waitFor()
    // Navigating while the server is down: the view says so, readably, with a retry.
    await page.getByRole('link', { name: 'Health' }).click()
    await page.getByRole('alert').filter({ hasText: 'Could not load' }).waitFor()
    await page.getByRole('button', { name: 'Retry' }).waitFor()
    await shot(page, 'offline')
    srv = await startWebServer({ port, dataDir, sweepIntervalMs: 100 })
    await page.locator('[data-testid="feed-status"][data-status="live"]').waitFor({ timeout: 30_000 })
    await page.getByTestId('review-waiting').waitFor()
    expect(await page.getByRole('alert').filter({ hasText: 'Could not load' }).count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true)
  })

  it("serves the UI's assets and JSON compressed", async () => {
    const html = await (await fetch(srv.url)).text()
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(js).toBeDefined()
    const res = await fetch(`${srv.url}${js}`, { headers: { 'accept-encoding': 'br, gzip' } })
    expect(['br', 'gzip']).toContain(res.headers.get('content-encoding'))
    const rows = await fetch(`${srv.url}/v1${T}/rows?limit=100`, {
      headers: { authorization: `Bearer ${OP}`, 'accept-encoding': 'gzip' },
    })
    expect(rows.headers.get('content-encoding')).toBe('gzip')
  })

  it('a 2,000-row board keeps the DOM under 5,000 nodes; filters live in the URL', async () => {
    await ok(OP, 'POST', `${W}/tables`, {
      name: 'big',
      columns: [{ name: 'title', type: 'text', required: true }],
      workflow: {
        statuses: ['todo', 'in_progress', 'done'],
        claim: { from: ['todo'], to: 'in_progress' },
        transitions: [],
      },
    })
    for (let i = 0; i < 2000; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          ok(OP, 'POST', `${W}/tables/big/rows`, { values: { title: `Task ${String(i + j).padStart(4, '0')}` } }),
        ),
      )
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    contexts.push(context)
    await context.addInitScript((k) => {
      localStorage.setItem('dock.key', k)
      ;(window as unknown as { __long: number[] }).__long = []
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) (window as unknown as { __long: number[] }).__long.push(e.duration)
      }).observe({ type: 'longtask', buffered: true })
    }, OP)
    const page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    await page.goto(`${srv.url}/#/board/big`)
    await page
      .locator('[data-testid="board"][data-table="big"] section[data-status="todo"] .count')
      .filter({ hasText: '2000' })
      .waitFor({ timeout: 60_000 })
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length)
    const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long)
    console.log(
      `2,000-row board: ${nodes} DOM nodes; ${long.length} long tasks, ${Math.round(long.reduce((a, b) => a + b, 0))} ms in all, longest ${Math.round(Math.max(0, ...long))} ms`,
    )
    expect(nodes).toBeLessThan(5000)
    await page.getByRole('button', { name: /Show more in todo/ }).click()
    expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThan(5000)

    await page.getByRole('searchbox', { name: 'Text' }).fill('Task 1999')
    await page.locator('[data-testid="board"] article').filter({ hasText: 'Task 1999' }).waitFor()
    expect(await page.locator('[data-testid="board"] article').count()).toBe(1)
    expect(page.url()).toContain('q=Task+1999')
    await page.reload()
    await page.locator('[data-testid="board"] article').filter({ hasText: 'Task 1999' }).waitFor()
    expect(await page.getByRole('searchbox', { name: 'Text' }).inputValue()).toBe('Task 1999')
    await shot(page, 'board-2000-filtered')
    // The last table is remembered: a bare #/board opens it.
    await page.goto(`${srv.url}/#/board`)
    await page.locator('[data-testid="board"][data-table="big"]').waitFor()
  }, 180_000)

  it('axe finds no serious or critical violations on any view', async () => {
    // Content on every view: a row waiting for review (drawer, inbox, trail) with a note.
    const row = await claimToReview('Checked by axe')
    await ok(agent.key, 'POST', `${T}/rows/${row.id}/notes`, { text: 'ready' })
    const page = await signedIn(reviewer.key)
    const views: [string, string][] = [
      ['health', '#/health'],
      ['board', '#/board/tasks'],
      ['drawer', `#/board/tasks/${row.id}`],
      ['inbox', '#/inbox'],
      ['docs', '#/docs'],
      ['trail', '#/trail'],
      ['swimlanes', '#/swimlanes'],
      ['agents', '#/agents'],
      ['dead', '#/dead'],
    ]
    const found: Record<string, string[]> = {}
    for (const [name, hash] of views) {
      const started = Date.now()
      // In-app navigation (no reload), as a user moves between views; axe stays injected.
      await page.evaluate((h) => {
        window.location.hash = h
      }, hash)
      await page.locator('main h1').waitFor()
      // Not networkidle: the live feed keeps a connection open for good. Wait for the loading notes to go.
      await page
        .locator('main .loading')
        .first()
        .waitFor({ state: 'detached', timeout: 5_000 })
        .catch(() => undefined)
      found[name] = await axeProblems(page)
      console.log(`axe on ${name}: ${Date.now() - started} ms`)
    }
    const op = await signedIn(OP, '#/agents')
    await op.getByRole('region', { name: 'Add an agent or human' }).waitFor()
    found['agents (operator)'] = await axeProblems(op)
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])))
  }, 240_000)
})
