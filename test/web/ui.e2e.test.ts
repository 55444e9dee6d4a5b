/**
 * End-to-end tests of the web UI in a real Chromium against a real Dock server
 * (in-process, fresh data dir). Agents act through the HTTP API; the browser is
 * only watched, never reloaded, so what moves on screen came from the SSE feed.
 */
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { OPERATOR_KEY, tasksTable, type TestServer } from '../helpers/test-world.js'
import { ARTIFACTS, ensureWebBuild, launchChromium, startWebServer } from './web-harness.js'

const OP = OPERATOR_KEY
const TABLE = 'tasks'

let srv: TestServer
let browser: Browser
let context: BrowserContext
let page: Page
let agentKey: string
let agentId: string
let agent2Key: string
const pageErrors: string[] = []

async function api(key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${srv.url}/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : null }
}

async function ok(key: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await api(key, method, path, body)
  if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.json)}`)
  return r.json
}

const ws = '/workspaces/default'

function card(status: string, title: string) {
  return page
    .locator(`[data-testid="board"] section[data-status="${status}"]`)
    .getByRole('article', { name: title, exact: true })
}

beforeAll(async () => {
  ensureWebBuild()
  srv = await startWebServer()

  await ok(
    OP,
    'POST',
    `${ws}/tables`,
    tasksTable({
      name: TABLE,
      columns: [],
      leaseMs: 600_000,
      reviewers: ['reviewer', 'operator'],
      ownerMayFinish: false,
      sendBack: false,
    }),
  )
  const agent = await ok(OP, 'POST', `${ws}/principals`, {
    name: 'agent-1',
    kind: 'agent',
    roles: ['member'],
    skills: ['writing'],
  })
  agentKey = agent.key
  agentId = agent.principal.id
  await ok(OP, 'POST', `${ws}/principals`, { name: 'agent-2', kind: 'agent', roles: ['member'], skills: ['ops'] }).then(
    (a) => {
      agent2Key = a.key
    },
  )
  await ok(OP, 'POST', `${ws}/principals`, { name: 'reviewer-1', kind: 'human', roles: ['reviewer'], skills: [] })
  const spec = await ok(OP, 'POST', `${ws}/tables/${TABLE}/rows`, { values: { title: 'Write the spec' } })
  await ok(OP, 'POST', `${ws}/tables/${TABLE}/rows`, {
    values: { title: 'Ship the release' },
    blockedBy: [spec.id],
    priority: 2,
  })
  await ok(OP, 'POST', `${ws}/docs`, {
    title: 'Plan',
    content:
      '# Plan\n\nThe **plan** for the week.\n\n## Goals\n\n- ship the board\n- <script>alert(1)</script> stays text\n\n## Risks\n\nNone yet.\n',
  })

  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  page = await context.newPage()
  page.setDefaultTimeout(20_000)
  page.on('pageerror', (err) => pageErrors.push(err.message))
})

// An uncaught error in the page (e.g. a render loop) fails the test it happened in, not a later one.
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([])
})

afterAll(async () => {
  await context?.close().catch(() => undefined)
  await browser?.close().catch(() => undefined)
  await srv?.close().catch(() => undefined)
})

describe('web UI', () => {
  it('signs in with a key and keeps it in localStorage', async () => {
    await page.goto(srv.url)
    await page.getByLabel('Principal key').fill('wrong-key')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor()

    await page.getByLabel('Principal key').fill(OP)
    await page.getByRole('button', { name: 'Sign in' }).click()
    // Crew health is the home view; the board is one link away.
    await page.getByRole('heading', { name: 'Crew health', level: 1 }).waitFor()
    expect(await page.evaluate(() => localStorage.getItem('dock.key'))).toBe(OP)
    await page.getByRole('link', { name: 'Board', exact: true }).click()
    await page.getByRole('heading', { name: 'Board', level: 1 }).waitFor()
    await page.locator('[data-testid="feed-status"][data-status="live"]').waitFor()
  })

  it('moves a card between columns when an agent claims and transitions it through the API, without a reload', async () => {
    await card('todo', 'Write the spec').waitFor()
    await page.evaluate(() => {
      ;(window as unknown as { __noReload: boolean }).__noReload = true
    })

    const claim = await ok(agentKey, 'POST', `${ws}/tables/${TABLE}/claim-next`, {})
    expect(claim.row.values.title).toBe('Write the spec')
    const claimed = card('in_progress', 'Write the spec')
    await claimed.waitFor()
    expect(await card('todo', 'Write the spec').count()).toBe(0)
    expect(await claimed.getByTestId('card-owner').textContent()).toBe('agent-1')
    expect(await claimed.getByRole('timer').textContent()).toMatch(/left$/)
    await page.screenshot({ path: join(ARTIFACTS, 'board-claimed-1280.png'), fullPage: true })

    await ok(agentKey, 'POST', `${ws}/tables/${TABLE}/rows/${claim.row.id}/transition`, {
      to: 'ready_for_review',
      fencingToken: claim.lease.token,
    })
    await card('ready_for_review', 'Write the spec').waitFor()
    expect(await card('in_progress', 'Write the spec').count()).toBe(0)
    await page
      .getByTestId('live-announcer')
      .filter({ hasText: 'Write the spec moved to ready_for_review by agent-1' })
      .waitFor({ state: 'attached' })

    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true)
    await page.screenshot({ path: join(ARTIFACTS, 'board-1280.png'), fullPage: true })
  })

  it('suspends the agent from the UI after confirmation; its next API call gets 403 principal_suspended', async () => {
    await page.getByRole('link', { name: 'Agents', exact: true }).click()
    const agentCard = page.locator('article[data-principal="agent-1"]')
    await agentCard.waitFor()
    expect(await agentCard.getByTestId('principal-status').textContent()).toBe('active')

    // Cancel first: nothing happens.
    await agentCard.getByRole('button', { name: 'Suspend agent-1' }).click()
    const dialog = page.getByRole('dialog', { name: 'Suspend agent-1?' })
    await dialog.waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'agents-confirm-1280.png') })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect((await api(agentKey, 'GET', '/me')).status).toBe(200)

    // Now confirm.
    await agentCard.getByRole('button', { name: 'Suspend agent-1' }).click()
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Suspend' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await agentCard.getByTestId('principal-status').filter({ hasText: 'suspended' }).waitFor()

    const refused = await api(agentKey, 'POST', `${ws}/tables/${TABLE}/claim-next`, {})
    expect(refused.status).toBe(403)
    expect(refused.json.code).toBe('principal_suspended')
    const p = await ok(OP, 'GET', `${ws}/principals/${agentId}`)
    expect(p.status).toBe('suspended')
    await page.screenshot({ path: join(ARTIFACTS, 'agents-1280.png'), fullPage: true })

    // And resume through the UI so the agent can work again.
    await agentCard.getByRole('button', { name: 'Resume agent-1' }).click()
    await page.getByRole('dialog', { name: 'Resume agent-1?' }).getByRole('button', { name: 'Resume' }).click()
    await agentCard.getByTestId('principal-status').filter({ hasText: 'active' }).waitFor()
    expect((await api(agentKey, 'GET', '/me')).status).toBe(200)
  })

  it('tells a signed-in principal when it is suspended: its live feed is closed', async () => {
    const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    try {
      const p2 = await ctx2.newPage()
      p2.setDefaultTimeout(20_000)
      await p2.goto(srv.url)
      await p2.getByLabel('Principal key').fill(agent2Key)
      await p2.getByRole('button', { name: 'Sign in' }).click()
      await p2.locator('[data-testid="feed-status"][data-status="live"]').waitFor()
      expect(await p2.locator('.whoami').textContent()).toContain('agent-2')
      // Agents (non-operators) see no kill switch.
      await p2.getByRole('link', { name: 'Agents', exact: true }).click()
      await p2.locator('article[data-principal="agent-2"]').waitFor()
      expect(await p2.getByRole('button', { name: /^Suspend/ }).count()).toBe(0)
      expect(await p2.getByRole('button', { name: 'Freeze workspace' }).count()).toBe(0)

      await ok(OP, 'POST', `${ws}/principals/agent-2/suspend`)
      await p2.getByRole('alert').filter({ hasText: 'Live updates stopped' }).waitFor()
      await p2.locator('[data-testid="feed-status"][data-status="stopped"]').waitFor()
      await ok(OP, 'POST', `${ws}/principals/agent-2/resume`)
    } finally {
      await ctx2.close()
    }
  })

  it('freezes and unfreezes the workspace from the UI, each after confirmation', async () => {
    await page.getByRole('button', { name: 'Freeze workspace' }).click()
    const dialog = page.getByRole('dialog', { name: 'Freeze the workspace?' })
    await dialog.getByRole('button', { name: 'Freeze' }).click()
    await page.getByTestId('frozen-badge').waitFor()
    const refused = await api(OP, 'POST', `${ws}/tables/${TABLE}/rows`, { values: { title: 'Not while frozen' } })
    expect(refused.status).toBe(423)
    expect(refused.json.code).toBe('workspace_frozen')
    expect((await api(OP, 'GET', `${ws}/tables/${TABLE}/rows`)).status).toBe(200)

    await page.getByRole('button', { name: 'Unfreeze workspace' }).click()
    await page
      .getByRole('dialog', { name: 'Unfreeze the workspace?' })
      .getByRole('button', { name: 'Unfreeze' })
      .click()
    await page.getByTestId('frozen-badge').waitFor({ state: 'detached' })
    expect((await ok(OP, 'GET', ws)).frozen).toBe(false)
  })

  it('keeps the session across a reload and is keyboard navigable with a visible focus ring', async () => {
    // A fresh load: the key from localStorage signs in again, and Tab starts from the top.
    await page.goto(`${srv.url}/#/board`)
    await page.reload()
    await page.getByRole('heading', { name: 'Board', level: 1 }).waitFor()
    await card('ready_for_review', 'Write the spec').waitFor()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
    const labels: string[] = []
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      const info = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement
        return { text: el.textContent ?? '', tag: el.tagName, outline: getComputedStyle(el).outlineStyle }
      })
      if (info.tag === 'BODY') break // past the last control
      expect(info.outline, `focus ring on ${info.tag} ${info.text}`).not.toBe('none')
      labels.push(info.text)
    }
    expect(labels).toEqual(
      expect.arrayContaining(['Sign out', 'Health', 'Board', 'Docs', 'Trail', 'Swimlanes', 'Agents', 'Dead letter']),
    )
  })

  it('renders docs with per-section attribution and escaped raw HTML', async () => {
    await page.getByRole('link', { name: 'Docs', exact: true }).click()
    const goals = page.locator('section[data-section="goals"]')
    await goals.waitFor()
    expect(await goals.locator('.markdown li').count()).toBe(2)
    expect(await goals.locator('.markdown script').count()).toBe(0)
    expect(await goals.locator('.markdown').textContent()).toContain('<script>alert(1)</script> stays text')
    expect(await goals.getByTestId('section-editor').textContent()).not.toBe('')
    await goals.getByRole('button', { name: /History/ }).click()
    await goals.locator('.section-history li').first().waitFor()

    // An agent writes one section through the API: the open doc shows it live, attributed.
    await ok(agentKey, 'PUT', `${ws}/docs/Plan/sections/risks`, { body: 'Lease expiry under **load**.' })
    const risks = page.locator('section[data-section="risks"]')
    await risks.locator('.markdown strong', { hasText: 'load' }).waitFor()
    expect(await risks.getByTestId('section-editor').textContent()).toBe('agent-1')
    expect(await risks.locator('.section-meta').textContent()).toContain('v2')
    await risks.getByRole('button', { name: /History/ }).click()
    await risks.locator('.section-history li').nth(1).waitFor()
    expect(await risks.locator('.section-history li').count()).toBe(2)
    expect(await risks.locator('.section-history li').first().textContent()).toContain('agent-1')
    await page.screenshot({ path: join(ARTIFACTS, 'docs-1280.png'), fullPage: true })
  })

  it('shows the trail, the swimlanes and a table as of an earlier revision', async () => {
    await page.getByRole('link', { name: 'Trail', exact: true }).click()
    await page.locator('[data-testid="event-list"] li[data-type="row.claimed"]').first().waitFor()
    await page.getByLabel('Type', { exact: true }).selectOption('row.transitioned')
    await page.locator('[data-testid="event-list"] li[data-type="row.transitioned"]').first().waitFor()
    expect(await page.locator('[data-testid="event-list"] li:not([data-type="row.transitioned"])').count()).toBe(0)

    // As of the revision before the claim, "Write the spec" was still in todo.
    const claimedEvent = (await ok(OP, 'GET', `${ws}/events?type=row.claimed&limit=1`)).items[0]
    await page.getByLabel('As of revision', { exact: true }).fill(String(claimedEvent.revision - 1))
    await page.getByRole('button', { name: 'Show' }).click()
    const asOf = page.locator('[data-testid="board-as-of"]')
    await asOf
      .locator('section[data-status="todo"]')
      .getByRole('article', { name: 'Write the spec', exact: true })
      .waitFor()
    expect(await asOf.locator('section[data-status="ready_for_review"] article').count()).toBe(0)
    // Scrubbing to the claim's revision re-renders from the loaded events, no new Show.
    await page.getByLabel('As of revision', { exact: true }).fill(String(claimedEvent.revision))
    const then = asOf
      .locator('section[data-status="in_progress"]')
      .getByRole('article', { name: 'Write the spec', exact: true })
    await then.waitFor()
    expect(await then.getByTestId('card-owner').textContent()).toBe('agent-1')

    // From an event in the trail: "Show tasks as of #N" picks the table and revision for you.
    const transitioned = page.locator('[data-testid="event-list"] li[data-type="row.transitioned"]').first()
    await transitioned.locator('summary').click()
    const rev = Number((await transitioned.getAttribute('data-revision')) ?? 'NaN')
    await transitioned.getByRole('button', { name: `Show ${TABLE} as of #${rev}` }).click()
    await page
      .getByTestId('as-of-revision')
      .filter({ hasText: String(rev) })
      .waitFor()
    await asOf
      .locator('section[data-status="ready_for_review"]')
      .getByRole('article', { name: 'Write the spec', exact: true })
      .waitFor()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('time-travel-heading')
    await page.screenshot({ path: join(ARTIFACTS, 'trail-1280.png'), fullPage: true })

    await page.getByRole('link', { name: 'Swimlanes' }).click()
    const svg = page.locator('[data-testid="swimlanes-svg"]')
    await svg.locator('g.lane[data-actor="agent-1"] rect.bar-transitioned').waitFor()
    // New claims appear live: agent-2 claims and releases, agent-1 claims and holds.
    const docsRow = await ok(OP, 'POST', `${ws}/tables/${TABLE}/rows`, { values: { title: 'Write the docs' } })
    const buildRow = await ok(OP, 'POST', `${ws}/tables/${TABLE}/rows`, { values: { title: 'Fix the build' } })
    const c2 = await ok(agent2Key, 'POST', `${ws}/tables/${TABLE}/rows/${docsRow.id}/claim`, {})
    await ok(agent2Key, 'POST', `${ws}/tables/${TABLE}/rows/${docsRow.id}/release`, { fencingToken: c2.lease.token })
    await ok(agentKey, 'POST', `${ws}/tables/${TABLE}/rows/${buildRow.id}/claim`, {})
    await svg.locator('g.lane[data-actor="agent-2"] rect.bar-released').waitFor()
    await svg.locator('g.lane[data-actor="agent-1"] rect.bar-open').waitFor()
    expect(await svg.locator('g.lane').count()).toBe(2)
    await page.locator('summary', { hasText: 'Claims as a table' }).click()
    expect(await page.locator('.claim-table tbody tr').count()).toBe(3)
    await page.screenshot({ path: join(ARTIFACTS, 'swimlanes-1280.png'), fullPage: true })
  })

  it('at 390 px wide the board is usable with no horizontal overflow of the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.getByRole('link', { name: 'Board', exact: true }).click()
    const ship = card('todo', 'Ship the release')
    await ship.waitFor()
    const overflow = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      body: document.body.scrollWidth - document.body.clientWidth,
    }))
    expect(overflow).toEqual({ doc: 0, body: 0 })
    for (const status of ['todo', 'in_progress', 'ready_for_review', 'done', 'failed']) {
      const box = await page.locator(`[data-testid="board"] section[data-status="${status}"]`).boundingBox()
      expect(box).not.toBeNull()
      expect(box!.x).toBeGreaterThanOrEqual(0)
      expect(box!.x + box!.width).toBeLessThanOrEqual(390)
    }
    // The card's title is a link: Enter opens the row's drawer, which fits the narrow screen too.
    await ship.getByRole('link', { name: 'Ship the release' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('complementary', { name: 'Ship the release' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(
      0,
    )
    await page.screenshot({ path: join(ARTIFACTS, 'board-390.png'), fullPage: true })

    const views = [
      ['Agents', 'agents', 'article[data-principal="agent-1"]'],
      ['Docs', 'docs', 'section[data-section="goals"]'],
      ['Trail', 'trail', '[data-testid="event-list"] li'],
      ['Swimlanes', 'swimlanes', '[data-testid="swimlanes-svg"] rect.bar'],
    ] as const
    for (const [link, name, ready] of views) {
      await page.getByRole('link', { name: link, exact: true }).click()
      await page.locator(ready).first().waitFor()
      const wide = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(wide, `${name} overflows at 390 px`).toBe(0)
      await page.screenshot({ path: join(ARTIFACTS, `${name}-390.png`), fullPage: true })
    }
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.getByRole('link', { name: 'Board', exact: true }).click()
    await card('in_progress', 'Fix the build').waitFor()
    await page.screenshot({ path: join(ARTIFACTS, 'board-dark-1280.png'), fullPage: true })
    await page.emulateMedia({ colorScheme: 'light' })
  })
})
