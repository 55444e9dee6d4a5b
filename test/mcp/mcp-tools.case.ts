/**
 * The MCP tool suite, run over every transport (stdio, Streamable HTTP) by the
 * *.test.ts files that import it.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DockFixture } from '../helpers/test-world.js'
import { OPERATOR_KEY, startFixture, tasksTable } from '../helpers/test-world.js'
import { runDemoWorkload } from './demo-workload.js'

export interface McpConnection {
  readonly client: Client
  close(): Promise<void>
}

export interface McpCaseOptions {
  readonly transport: string
  /** The transport keeps a channel open to the client, so the server offers resource subscriptions. */
  readonly subscriptions: boolean
  /** Connects an MCP client acting with `key` to the server at `url`. */
  readonly connect: (url: string, key: string) => Promise<McpConnection>
}

interface ToolError {
  readonly code: string
  readonly status: number | null
  readonly message: string
  readonly details?: { current?: Record<string, unknown> } & Record<string, unknown>
}

export const EXPECTED_TOOLS = [
  'whoami',
  'list_principals',
  'list_tables',
  'create_table',
  'create_row',
  'release',
  'create_doc',
  'lock_doc',
  'unlock_doc',
  'query_rows',
  'claim_next',
  'claim',
  'heartbeat',
  'transition',
  'update_row',
  'read_doc',
  'write_section',
  'replace_doc',
  'wait_for_events',
  'history',
]

export function runMcpToolCases(options: McpCaseOptions): void {
  describe(`MCP tools over ${options.transport}`, () => {
    let fx: DockFixture
    let agent: { id: string; key: string }
    let mcp: McpConnection
    const open: McpConnection[] = []

    async function call(
      name: string,
      args: Record<string, unknown> = {},
      conn: McpConnection = mcp,
    ): Promise<CallToolResult> {
      return (await conn.client.callTool({ name, arguments: args })) as CallToolResult
    }

    async function ok<T = Record<string, unknown>>(
      name: string,
      args: Record<string, unknown> = {},
      conn?: McpConnection,
    ): Promise<T> {
      const result = await call(name, args, conn)
      if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`)
      return replyOf<T>(result)
    }

    async function fails(name: string, args: Record<string, unknown> = {}, conn?: McpConnection): Promise<ToolError> {
      const result = await call(name, args, conn)
      expect(result.isError, `${name} should fail: ${textOf(result)}`).toBe(true)
      const error = replyOf<{ error?: ToolError }>(result).error
      expect(error).toBeDefined()
      expect(typeof error!.code).toBe('string')
      return error!
    }

    async function connectAs(key: string): Promise<McpConnection> {
      const conn = await options.connect(fx.url, key)
      open.push(conn)
      return conn
    }

    beforeAll(async () => {
      fx = await startFixture()
      await fx.op.createTable(tasksTable())
      agent = await fx.principal('mcp-agent')
      mcp = await connectAs(agent.key)
    })

    afterAll(async () => {
      for (const conn of open) await conn.close().catch(() => undefined)
      await fx?.close()
    })

    it('lists the Dock tools with input schemas', async () => {
      const { tools } = await mcp.client.listTools()
      const names = tools.map((t) => t.name)
      expect(names).toEqual(expect.arrayContaining(EXPECTED_TOOLS))
      const claimNext = tools.find((t) => t.name === 'claim_next')
      expect(claimNext?.inputSchema.required).toEqual(['table'])
      expect(tools.find((t) => t.name === 'list_tables')?.annotations?.readOnlyHint).toBe(true)
    })

    it('list_tables and query_rows read what the API holds', async () => {
      const { tables } = await ok<{ tables: { name: string; workflow: { statuses: string[] } }[] }>('list_tables')
      expect(tables.map((t) => t.name)).toContain('tasks')
      const row = await fx.op.createRow('tasks', { values: { title: 'readable' } })
      const page = await ok<{ items: { id: string }[]; nextCursor: string | null }>('query_rows', {
        table: 'tasks',
        status: 'todo',
      })
      expect(page.items.map((r) => r.id)).toContain(row.id)
    })

    it("claim_next claims as the key's principal, then reports nothing eligible", async () => {
      await fx.op.createTable(tasksTable({ name: 'queue' }))
      const row = await fx.op.createRow('queue', { values: { title: 'the one job' } })
      const first = await ok<{
        claimed: boolean
        row: { id: string; owner: string; status: string }
        lease: { token: number }
        principals: Record<string, string>
      }>('claim_next', { table: 'queue' })
      expect(first.principals['mcp-agent']).toBe(agent.id)
      expect(first.claimed).toBe(true)
      expect(first.row.id).toBe(row.id)
      expect(first.row.owner).toBe('mcp-agent')
      expect(first.row.status).toBe('in_progress')
      expect(first.lease.token).toBeGreaterThan(0)
      expect(await ok('claim_next', { table: 'queue' })).toMatchObject({
        claimed: false,
        counts: { inClaimableStatus: 0 },
      })

      // Another agent, its own key, its own connection: the row stays with the first.
      const rival = await fx.principal('mcp-rival')
      const rivalConn = await connectAs(rival.key)
      expect(await ok('claim_next', { table: 'queue' }, rivalConn)).toMatchObject({ claimed: false })
      const taken = await fails('claim', { table: 'queue', id: row.id }, rivalConn)
      expect(taken.code).toBe('already_claimed')
      expect(taken.status).toBe(409)
    })

    it('works a claimed row: heartbeat, update with the fencing token, transition', async () => {
      await fx.op.createTable(tasksTable({ name: 'jobs' }))
      const row = await fx.op.createRow('jobs', { values: { title: 'write tests' } })
      const claim = await ok<{ row: { version: number }; lease: { token: number; expiresAt: string } }>('claim', {
        table: 'jobs',
        id: row.id,
        leaseMs: 20_000,
      })
      const token = claim.lease.token
      const beat = await ok<{ lease: { token: number } }>('heartbeat', {
        table: 'jobs',
        id: row.id,
        fencingToken: token,
        leaseMs: 30_000,
      })
      expect(beat.lease.token).toBe(token)
      const updated = await ok<{
        row: { values: Record<string, unknown>; updatedBy: string }
        principals: Record<string, string>
      }>('update_row', {
        table: 'jobs',
        id: row.id,
        values: { notes: 'halfway' },
        fencingToken: token,
      })
      expect(updated.row.values['notes']).toBe('halfway')
      expect(updated.row.updatedBy).toBe('mcp-agent')
      expect(updated.principals['mcp-agent']).toBe(agent.id)
      const moved = await ok<{ row: { status: string; owner?: string } }>('transition', {
        table: 'jobs',
        id: row.id,
        to: 'ready_for_review',
        fencingToken: token,
      })
      expect(moved.row.status).toBe('ready_for_review')
      expect(moved.row.owner).toBeUndefined()
      const selfApproval = await fails('transition', { table: 'jobs', id: row.id, to: 'done' })
      expect(['transition_not_allowed', 'forbidden']).toContain(selfApproval.code)
      expect((await fx.op.getRow('jobs', row.id)).status).toBe('ready_for_review')
    })

    it('a stale update_row comes back as version_conflict with the current row, and writes nothing', async () => {
      const row = await fx.op.createRow('tasks', { values: { title: 'contested' } })
      await fx.op.patchRow('tasks', row.id, { values: { notes: 'operator was here' } })
      const err = await fails('update_row', {
        table: 'tasks',
        id: row.id,
        values: { notes: 'agent' },
        expectedVersion: row.version,
      })
      expect(err.code).toBe('version_conflict')
      expect(err.status).toBe(409)
      expect(err.details?.current?.['version']).toBe(row.version + 1)
      expect((await fx.op.getRow('tasks', row.id)).values['notes']).toBe('operator was here')
    })

    it('a late write with an old fencing token is refused as stale_fencing_token', async () => {
      await fx.op.createTable(tasksTable({ name: 'fence' }))
      const row = await fx.op.createRow('fence', { values: { title: 'handoff' } })
      const mine = await ok<{ lease: { token: number } }>('claim', { table: 'fence', id: row.id })
      await ok('release', { table: 'fence', id: row.id, fencingToken: mine.lease.token })
      await ok('claim', { table: 'fence', id: row.id })
      const err = await fails('update_row', {
        table: 'fence',
        id: row.id,
        values: { notes: 'late' },
        fencingToken: mine.lease.token,
      })
      expect(err.code).toBe('stale_fencing_token')
    })

    it('reads docs and writes sections with preconditions and merging', async () => {
      const doc = await fx.op.createDoc({
        title: 'mcp-plan',
        content: '# Plan\n\n## Steps\n\none\ntwo\nthree\nfour\n\n## Notes\n\nn\n',
      })
      const listed = await ok<{ docs: { title: string; sections: Record<string, unknown>[] }[] }>('read_doc')
      expect(listed.docs.map((d) => d.title)).toContain('mcp-plan')
      // Listing names the sections but does not carry their bodies.
      expect(listed.docs.find((d) => d.title === 'mcp-plan')?.sections.every((s) => !('body' in s))).toBe(true)
      const { doc: read } = await ok<{
        doc: { id: string; version: number; sections: { key: string; version: number; body: string }[] }
      }>('read_doc', { doc: 'mcp-plan' })
      expect(read.id).toBe(doc.id)
      const steps = read.sections.find((s) => s.key === 'steps')!
      const markdown = await call('read_doc', { doc: doc.id, format: 'markdown' })
      expect(textOf(markdown)).toContain('## Steps')

      const written = await ok<{ section: { body: string; version: number; editedBy: string } }>('write_section', {
        doc: doc.id,
        key: 'steps',
        body: 'one\ntwo\nthree\nfour\nfive',
        expectedVersion: steps.version,
      })
      expect(written.section.editedBy).toBe('mcp-agent')
      const stale = await fails('write_section', {
        doc: doc.id,
        key: 'steps',
        body: 'lost',
        expectedVersion: steps.version,
      })
      expect(stale.code).toBe('version_conflict')
      expect(stale.details?.current?.['body']).toBe('one\ntwo\nthree\nfour\nfive')

      // With base, a concurrent edit elsewhere in the section is merged in.
      const merged = await ok<{ section: { body: string } }>('write_section', {
        doc: doc.id,
        key: 'steps',
        base: steps.body,
        body: steps.body.replace('one', 'ONE'),
      })
      expect(merged.section.body).toBe('ONE\ntwo\nthree\nfour\nfive')
      const clash = await fails('write_section', {
        doc: doc.id,
        key: 'steps',
        base: steps.body,
        body: steps.body.replace('one', 'uno'),
      })
      expect(clash.code).toBe('merge_conflict')
      expect((await fx.op.getSection(doc.id, 'steps')).body).toBe('ONE\ntwo\nthree\nfour\nfive')
    })

    it('replace_doc needs the current version', async () => {
      const doc = await fx.op.createDoc({ title: 'mcp-replace', content: '# R\n\nold\n' })
      await fx.op.writeSection(doc.id, 'r', { body: 'changed' })
      const stale = await fails('replace_doc', { doc: doc.id, content: '# R\n\nnew\n', expectedVersion: doc.version })
      expect(stale.code).toBe('version_conflict')
      const current = await fx.op.getDoc(doc.id)
      const { doc: replaced } = await ok<{ doc: { version: number; sections: { key: string; version: number }[] } }>(
        'replace_doc',
        {
          doc: doc.id,
          content: '# R\n\nnew\n',
          expectedVersion: current.version,
        },
      )
      expect(replaced.version).toBeGreaterThan(current.version)
      expect((await fx.op.getDoc(doc.id)).sections.map((s) => s.body)).toContain('new')
      const missing = await call('replace_doc', { doc: doc.id, content: 'x' })
      expect(missing.isError).toBe(true)
    })

    it('wait_for_events returns the next matching event', async () => {
      const since = (await fx.op.getWorkspace()).revision
      const waiting = ok<{ events: { rev: number; type: string; by: string; title?: string }[]; nextSince: number }>(
        'wait_for_events',
        {
          since,
          wait: 20,
          type: 'doc.*',
        },
      )
      const doc = await fx.op.createDoc({ title: 'mcp-wake', content: '# W\n\nx\n' })
      const woke = await waiting
      expect(woke.events.map((e) => [e.type, e.by, e.title])).toEqual([['doc.created', 'operator', 'mcp-wake']])
      expect(woke.events[0]?.rev).toBe(doc.revision)
      expect(woke.nextSince).toBeGreaterThan(since)
    })

    it("history shows who did what, and a section's writes", async () => {
      const since = (await fx.op.getWorkspace()).revision
      const row = await ok<{ row: { id: string } }>('create_row', { table: 'tasks', values: { title: 'by the agent' } })
      const log = await ok<{
        events: { type: string; by: string; row: string; title: string }[]
        principals: Record<string, string>
      }>('history', {
        since,
        table: 'tasks',
      })
      expect(log.events).toEqual([
        expect.objectContaining({ type: 'row.created', by: 'mcp-agent', row: row.row.id, title: 'by the agent' }),
      ])
      expect(log.principals).toEqual({ 'mcp-agent': agent.id })
      // The full records are an opt-in.
      const full = await ok<{ events: { actor: string; after: { id: string } }[] }>('history', {
        since,
        table: 'tasks',
        detail: 'full',
      })
      expect(full.events[0]).toMatchObject({ actor: agent.id, after: { id: row.row.id } })

      const doc = await fx.op.createDoc({ title: 'mcp-history', content: '# H\n\nv0\n' })
      await ok('write_section', { doc: doc.id, key: 'h', body: 'v1' })
      const sectionLog = await ok<{ events: { type: string; by: string }[] }>('history', { doc: doc.id, section: 'h' })
      expect(sectionLog.events.filter((e) => e.type === 'doc.section_written').map((e) => e.by)).toEqual(['mcp-agent'])
      const needsDoc = await fails('history', { section: 'h' })
      expect(needsDoc.code).toBe('invalid_input')
    })

    it('refuses malformed arguments as a tool error', async () => {
      const malformed = await fails('claim_next', {})
      expect(malformed.code).toBe('invalid_input')
      const wrongType = await fails('update_row', { table: 'tasks', id: 42, values: 'x' })
      expect(wrongType.code).toBe('invalid_input')
      const missing = await fails('query_rows', { table: 'no_such_table' })
      expect(missing.code).toBe('not_found')
    })

    it('event summaries name the actor and the target and list what changed', async () => {
      await fx.op.createTable(tasksTable({ name: 'summed' }))
      const since = (await fx.op.getWorkspace()).revision
      const row = await fx.op.createRow('summed', { values: { title: 'summarise me', points: 3 } })
      const claim = await ok<{ lease: { token: number } }>('claim', { table: 'summed', id: row.id, leaseMs: 90_000 })
      await ok('update_row', {
        table: 'summed',
        id: row.id,
        values: { notes: 'x'.repeat(400) },
        fencingToken: claim.lease.token,
      })
      const doc = await fx.op.createDoc({ title: 'summed-doc', content: '# S\n\none\ntwo\n' })
      await fx.op.writeSection(doc.id, 's', { body: 'one\nthree\nfour' })
      const { events } = await ok<{ events: Record<string, unknown>[] }>('history', { since })
      expect(events.map((e) => e['type'])).toEqual([
        'row.created',
        'row.claimed',
        'row.updated',
        'doc.created',
        'doc.section_written',
      ])
      const [created, claimed, updated, docCreated, written] = events
      expect(created).toMatchObject({
        by: 'operator',
        table: 'summed',
        row: row.id,
        title: 'summarise me',
        changed: { status: 'todo', values: { points: 3 } },
      })
      expect(claimed).toMatchObject({
        rev: claim.lease.token,
        by: 'mcp-agent',
        changed: { status: ['todo', 'in_progress'], owner: [null, 'mcp-agent'], lease: '90s' },
      })
      // Long text is quoted, not copied whole.
      expect((updated?.['changed'] as { values: { notes: string } }).values.notes).toMatch(/^x{160}… \(400 chars\)$/)
      expect(docCreated).toMatchObject({ doc: doc.id, title: 'summed-doc', changed: { sections: ['s'] } })
      expect(written).toMatchObject({
        doc: doc.id,
        title: 'summed-doc',
        section: 's',
        changed: { version: 2, lines: '+2 -1' },
      })
      for (const e of events) expect(e).not.toHaveProperty('before')
    })

    it('whoami names the agent and lists its open claims with titles and lease expiry', async () => {
      await fx.op.createTable(tasksTable({ name: 'mine' }))
      const row = await fx.op.createRow('mine', { values: { title: 'remember me' } })
      const claim = await ok<{ lease: { token: number; expiresAt: string } }>('claim', { table: 'mine', id: row.id })
      const me = await ok<{
        id: string
        name: string
        kind: string
        roles: string[]
        skills: string[]
        workspace: { name: string; revision: number }
        claims: {
          table: string
          id: string
          title: string
          status: string
          fencingToken: number
          leaseExpiresAt: string
        }[]
      }>('whoami')
      expect(me).toMatchObject({
        id: agent.id,
        name: 'mcp-agent',
        kind: 'agent',
        roles: ['member'],
        skills: [],
        workspace: { name: 'default' },
      })
      expect(me.claims).toContainEqual(
        expect.objectContaining({
          table: 'mine',
          id: row.id,
          title: 'remember me',
          status: 'in_progress',
          fencingToken: claim.lease.token,
          leaseExpiresAt: claim.lease.expiresAt,
        }),
      )
    })

    it('list_principals shows names, ids, roles, skills and claim counts', async () => {
      await fx.principal('mcp-skilled', ['member'], ['rust'])
      const { principals } = await ok<{
        principals: { name: string; id: string; roles: string[]; skills?: string[]; openClaims: number }[]
      }>('list_principals')
      expect(principals).toContainEqual(expect.objectContaining({ name: 'mcp-agent', id: agent.id, roles: ['member'] }))
      expect(principals).toContainEqual(
        expect.objectContaining({ name: 'mcp-skilled', skills: ['rust'], openClaims: 0 }),
      )
      expect(principals.find((p) => p.name === 'operator')?.roles).toEqual(['operator'])
    })

    it('create_doc makes a doc that write_section then edits; a taken title is already_exists', async () => {
      const created = await ok<{ doc: { id: string; title: string; sections: { key: string; version: number }[] } }>(
        'create_doc',
        {
          title: 'agent-plan',
          content: '# Goal\n\nship it\n\n## Steps\n\none\n',
        },
      )
      expect(created.doc.sections.map((s) => s.key)).toEqual(['goal', 'steps'])
      const written = await ok<{ section: { key: string; version: number } }>('write_section', {
        doc: 'agent-plan',
        key: 'steps',
        body: 'one\ntwo',
        expectedVersion: 1,
      })
      expect(written.section.version).toBe(2)
      expect((await fx.op.getSection(created.doc.id, 'steps')).body).toBe('one\ntwo')
      expect((await fails('create_doc', { title: 'agent-plan', content: '' })).code).toBe('already_exists')
    })

    it('create_table creates a table where the role allows it', async () => {
      const opConn = await connectAs(OPERATOR_KEY)
      const made = await ok<{ table: { name: string; statuses: string[]; claim: { from: string[]; to: string } } }>(
        'create_table',
        {
          name: 'agent_made',
          columns: [{ name: 'title', type: 'text', required: true }],
          workflow: {
            statuses: ['open', 'working', 'closed'],
            done: ['closed'],
            claim: { from: ['open'], to: 'working' },
          },
        },
        opConn,
      )
      expect(made.table).toMatchObject({
        name: 'agent_made',
        statuses: ['open', 'working', 'closed'],
        claim: { from: ['open'], to: 'working' },
      })
      expect((await fx.op.getTable('agent_made')).contractVersion).toBe(1)
      const reviewer = await fx.principal('mcp-reviewer', ['reviewer'])
      const refused = await fails(
        'create_table',
        { name: 'nope', columns: [], workflow: { statuses: ['a'] } },
        await connectAs(reviewer.key),
      )
      expect(refused.code).toBe('forbidden')
    })

    it('lock_doc keeps other writers out until unlock_doc', async () => {
      const doc = await fx.op.createDoc({ title: 'mcp-locked', content: '# L\n\nx\n' })
      const locked = await ok<{ lock: { owner: string; token: number; expiresAt: string } }>('lock_doc', {
        doc: 'mcp-locked',
        leaseMs: 60_000,
      })
      expect(locked.lock.owner).toBe('mcp-agent')
      const me = await ok<{ docLocks: { doc: string; token: number }[] }>('whoami')
      expect(me.docLocks).toContainEqual(expect.objectContaining({ doc: doc.id, token: locked.lock.token }))
      const other = await connectAs((await fx.principal('mcp-other-writer')).key)
      expect((await fails('write_section', { doc: doc.id, key: 'l', body: 'theirs' }, other)).code).toBe('doc_locked')
      expect((await fails('lock_doc', { doc: doc.id }, other)).code).toBe('doc_locked')
      // The holder's own writes carry the lock's token.
      expect((await fails('write_section', { doc: doc.id, key: 'l', body: 'mine' })).code).toBe('precondition_required')
      await ok('write_section', { doc: doc.id, key: 'l', body: 'mine', lockToken: locked.lock.token })
      const current = await fx.op.getDoc(doc.id)
      await ok('replace_doc', {
        doc: doc.id,
        content: '# L\n\nmine, whole\n',
        expectedVersion: current.version,
        lockToken: locked.lock.token,
      })
      await ok('unlock_doc', { doc: doc.id, token: locked.lock.token })
      // A write with the token of a lock that has ended is refused, not applied.
      expect(
        (await fails('write_section', { doc: doc.id, key: 'l', body: 'late', lockToken: locked.lock.token })).code,
      ).toBe('lease_expired')
      await ok('write_section', { doc: doc.id, key: 'l', body: 'theirs' }, other)
      expect((await fx.op.getSection(doc.id, 'l')).body).toBe('theirs')
    })

    it('bounds arguments as the HTTP API does: a lease over 24 h is invalid_input', async () => {
      await fx.op.createTable(tasksTable({ name: 'bounded' }))
      await fx.op.createRow('bounded', { values: { title: 'long' } })
      const tooLong = await fails('claim_next', { table: 'bounded', leaseMs: 24 * 60 * 60_000 + 1 })
      expect(tooLong.code).toBe('invalid_input')
      expect((await fx.op.listRows('bounded', { status: 'in_progress' })).items).toEqual([])
      const claimed = await ok<{ claimed: boolean }>('claim_next', { table: 'bounded', leaseMs: 24 * 60 * 60_000 })
      expect(claimed.claimed).toBe(true)
    })

    it('claim_next says why nothing was eligible: claimed, blocked, skills you lack', async () => {
      await fx.op.createTable(tasksTable({ name: 'why' }))
      const first = await fx.op.createRow('why', { values: { title: 'first' } })
      await fx.op.createRow('why', { values: { title: 'after first' }, blockedBy: [first.id] })
      await fx.op.createRow('why', { values: { title: 'rusty' }, requiredSkills: ['rust'] })
      const skilled = await fx.principal('mcp-why-rust', ['member'], ['rust'])
      // Someone else holds the first row.
      await skilled.client.claim('why', first.id)
      const why = await ok<{
        claimed: boolean
        reason: string
        counts: Record<string, number>
        missingSkills: string[]
        claimableStatuses: string[]
      }>('claim_next', {
        table: 'why',
      })
      expect(why.claimed).toBe(false)
      expect(why.claimableStatuses).toEqual(['todo'])
      // The claimed row left todo; the blocked and the rusty one remain.
      expect(why.counts).toEqual({
        inClaimableStatus: 2,
        claimed: 0,
        blocked: 1,
        needsSkillsYouLack: 1,
        notMatchingWhere: 0,
      })
      expect(why.missingSkills).toEqual(['rust'])
      expect(why.reason).toMatch(/1 blocked.*1 need skills you lack \(rust; you have none\)/)
      // query_rows ready=true lists the rusty row (readiness ignores skills); claim_next's reason says why it is not the agent's.
      const ready = await ok<{ items: { values: { title: string }; requiredSkills?: string[] }[] }>('query_rows', {
        table: 'why',
        ready: true,
      })
      expect(ready.items.map((r) => [r.values.title, r.requiredSkills])).toEqual([['rusty', ['rust']]])
    })

    it('serves docs as markdown resources and tables as compact JSON resources', async () => {
      const doc = await fx.op.createDoc({ title: 'mcp-resource', content: '# Res\n\nread me\n' })
      const { resources } = await mcp.client.listResources()
      expect(resources).toContainEqual(
        expect.objectContaining({ uri: `dock://docs/${doc.id}`, name: 'mcp-resource', mimeType: 'text/markdown' }),
      )
      expect(resources).toContainEqual(
        expect.objectContaining({ uri: 'dock://tables/tasks', mimeType: 'application/json' }),
      )
      const md = await mcp.client.readResource({ uri: `dock://docs/${doc.id}` })
      expect(md.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: expect.stringContaining('read me') })
      const byTitle = await mcp.client.readResource({ uri: 'dock://docs/mcp-resource' })
      expect((byTitle.contents[0] as { text: string }).text).toContain('# Res')
      const table = await mcp.client.readResource({ uri: 'dock://tables/tasks' })
      const view = JSON.parse((table.contents[0] as { text: string }).text) as {
        table: { name: string; statuses: string[] }
        rows: { id: string; status: string }[]
      }
      expect(view.table).toMatchObject({ name: 'tasks', statuses: expect.arrayContaining(['todo', 'done']) })
      expect(view.rows.length).toBeGreaterThan(0)
      await expect(mcp.client.readResource({ uri: 'dock://docs/no-such-doc' })).rejects.toThrow(/not found/i)
    })

    it(`offers resource subscriptions only where the transport can carry them (${options.subscriptions ? 'yes' : 'no'})`, async () => {
      const caps = mcp.client.getServerCapabilities()
      expect(caps?.resources?.subscribe === true).toBe(options.subscriptions)
      if (!options.subscriptions) return
      const doc = await fx.op.createDoc({ title: 'mcp-watched', content: '# W\n\nv1\n' })
      const updated: string[] = []
      const seen = new Promise<void>((resolve) => {
        mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
          updated.push(n.params.uri)
          resolve()
        })
      })
      await mcp.client.subscribeResource({ uri: `dock://docs/${doc.id}` })
      // A change to another doc must not notify; a change to the watched one must.
      await fx.op.createDoc({ title: 'mcp-unwatched', content: '# U\n' })
      await fx.op.writeSection(doc.id, 'w', { body: 'v2' })
      await seen
      expect(updated).toEqual([`dock://docs/${doc.id}`])
      await mcp.client.unsubscribeResource({ uri: `dock://docs/${doc.id}` })
    })

    it('offers the work_loop prompt', async () => {
      const { prompts } = await mcp.client.listPrompts()
      expect(prompts.map((p) => p.name)).toContain('work_loop')
      const prompt = await mcp.client.getPrompt({ name: 'work_loop', arguments: { table: 'tasks', doc: 'plan' } })
      const text = (prompt.messages[0]?.content as { text: string }).text
      for (const step of [
        'whoami',
        'claim_next {"table":"tasks"}',
        'heartbeat',
        'fencingToken',
        'transition',
        'version_conflict',
        'details.current',
        'read_doc {"doc":"plan"}',
      ]) {
        expect(text).toContain(step)
      }
    })

    it('stops acting for a suspended principal', async () => {
      const doomed = await fx.principal('mcp-doomed')
      const conn = await connectAs(doomed.key)
      await ok('list_tables', {}, conn)
      await fx.op.suspend('mcp-doomed')
      // stdio reports it as a tool error; over HTTP the endpoint refuses the request itself (403).
      const outcome = await call('list_tables', {}, conn).then(
        (result) => ({ isError: result.isError === true, text: textOf(result) }),
        (err: unknown) => ({ isError: true, text: String(err) }),
      )
      expect(outcome.isError).toBe(true)
      expect(outcome.text).toContain('principal_suspended')
    })
  })

  describe(`MCP reply sizes over ${options.transport}`, () => {
    let fx: DockFixture
    let conn: McpConnection

    beforeAll(async () => {
      fx = await startFixture()
      const workload = await runDemoWorkload(fx.url, OPERATOR_KEY)
      // Ten rows for the query_rows measure: the demo's seven and three more.
      for (const key of ['X1', 'X2', 'X3'])
        await fx.op.createRow('tasks', { values: { key, title: `Extra task ${key}` } })
      conn = await options.connect(fx.url, workload.plannerKey)
    })

    afterAll(async () => {
      await conn?.close().catch(() => undefined)
      await fx?.close()
    })

    it('a page of 100 demo events fits in 25,000 characters; detail=full is the opt-in for snapshots', async () => {
      const result = (await conn.client.callTool({
        name: 'wait_for_events',
        arguments: { since: 0, limit: 100 },
      })) as CallToolResult
      const reply = replyOf<{ events: { rev: number; by: string }[]; principals: Record<string, string> }>(result)
      expect(reply.events).toHaveLength(100)
      expect(reply.events.map((e) => e.rev)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
      expect(textOf(result).length).toBeLessThan(25_000)
      // Actors by name, with the ids in the legend.
      expect(reply.events.some((e) => e.by === 'worker-1')).toBe(true)
      expect(reply.principals['worker-1']).toMatch(/^p_/)
      const full = (await conn.client.callTool({
        name: 'wait_for_events',
        arguments: { since: 0, limit: 100, detail: 'full' },
      })) as CallToolResult
      expect(textOf(full).length).toBeGreaterThan(textOf(result).length * 3)
    })

    it('a page of 10 rows stays compact', async () => {
      const result = (await conn.client.callTool({
        name: 'query_rows',
        arguments: { table: 'tasks', limit: 10 },
      })) as CallToolResult
      const reply = replyOf<{ items: Record<string, unknown>[] }>(result)
      expect(reply.items).toHaveLength(10)
      for (const row of reply.items)
        for (const noise of ['workspaceId', 'seq', 'contractVersion', 'revision', 'createdAt'])
          expect(row).not.toHaveProperty(noise)
      // The demo's rows carry results and reviews; still well under 500 characters a row.
      expect(textOf(result).length).toBeLessThan(10 * 500)
    })
  })
}

/** The JSON a tool replied: one compact text block, no structuredContent duplicating it. */
export function replyOf<T>(result: CallToolResult): T {
  expect(result.content).toHaveLength(1)
  expect(result.structuredContent).toBeUndefined()
  const text = textOf(result)
  // Compact JSON: JSON.stringify without indentation gives the same text back.
  const parsed = JSON.parse(text) as T
  expect(JSON.stringify(parsed)).toBe(text)
  return parsed
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n')
}
