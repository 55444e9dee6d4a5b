/**
 * The MCP tool suite, run over every transport (stdio, Streamable HTTP) by the
 * *.test.ts files that import it.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DockFixture } from '../client/dock-server-fixture.js'
import { startFixture, tasksTable } from '../client/dock-server-fixture.js'

export interface McpConnection {
  readonly client: Client
  close(): Promise<void>
}

export interface McpCaseOptions {
  readonly transport: string
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
  'list_tables',
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

    async function call(name: string, args: Record<string, unknown> = {}, conn: McpConnection = mcp): Promise<CallToolResult> {
      return (await conn.client.callTool({ name, arguments: args })) as CallToolResult
    }

    async function ok<T = Record<string, unknown>>(name: string, args: Record<string, unknown> = {}, conn?: McpConnection): Promise<T> {
      const result = await call(name, args, conn)
      if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`)
      const first = result.content[0]
      // Text and structured content carry the same JSON.
      if (first?.type === 'text' && result.structuredContent) expect(first.text).toContain(JSON.stringify(Object.keys(result.structuredContent)[0]))
      return result.structuredContent as T
    }

    async function fails(name: string, args: Record<string, unknown> = {}, conn?: McpConnection): Promise<ToolError> {
      const result = await call(name, args, conn)
      expect(result.isError, `${name} should fail: ${textOf(result)}`).toBe(true)
      const error = (result.structuredContent as { error?: ToolError } | undefined)?.error
      expect(error).toBeDefined()
      expect(textOf(result)).toContain(error!.code)
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
      const page = await ok<{ items: { id: string }[]; nextCursor: string | null }>('query_rows', { table: 'tasks', status: 'todo' })
      expect(page.items.map((r) => r.id)).toContain(row.id)
    })

    it('claim_next claims as the key\'s principal, then reports nothing eligible', async () => {
      await fx.op.createTable(tasksTable('queue'))
      const row = await fx.op.createRow('queue', { values: { title: 'the one job' } })
      const first = await ok<{ claimed: boolean; row: { id: string; owner: string; status: string }; lease: { token: number } }>('claim_next', { table: 'queue' })
      expect(first.claimed).toBe(true)
      expect(first.row.id).toBe(row.id)
      expect(first.row.owner).toBe(agent.id)
      expect(first.row.status).toBe('in_progress')
      expect(first.lease.token).toBeGreaterThan(0)
      expect(await ok('claim_next', { table: 'queue' })).toEqual({ claimed: false })

      // Another agent, its own key, its own connection: the row stays with the first.
      const rival = await fx.principal('mcp-rival')
      const rivalConn = await connectAs(rival.key)
      expect(await ok('claim_next', { table: 'queue' }, rivalConn)).toEqual({ claimed: false })
      const taken = await fails('claim', { table: 'queue', id: row.id }, rivalConn)
      expect(taken.code).toBe('already_claimed')
      expect(taken.status).toBe(409)
    })

    it('works a claimed row: heartbeat, update with the fencing token, transition', async () => {
      await fx.op.createTable(tasksTable('jobs'))
      const row = await fx.op.createRow('jobs', { values: { title: 'write tests' } })
      const claim = await ok<{ row: { version: number }; lease: { token: number; expiresAt: string } }>('claim', { table: 'jobs', id: row.id, leaseMs: 20_000 })
      const token = claim.lease.token
      const beat = await ok<{ lease: { token: number } }>('heartbeat', { table: 'jobs', id: row.id, fencingToken: token, leaseMs: 30_000 })
      expect(beat.lease.token).toBe(token)
      const updated = await ok<{ row: { values: Record<string, unknown>; updatedBy: string } }>('update_row', {
        table: 'jobs',
        id: row.id,
        values: { notes: 'halfway' },
        fencingToken: token,
      })
      expect(updated.row.values['notes']).toBe('halfway')
      expect(updated.row.updatedBy).toBe(agent.id)
      const moved = await ok<{ row: { status: string; owner: string | null } }>('transition', {
        table: 'jobs',
        id: row.id,
        to: 'ready_for_review',
        fencingToken: token,
      })
      expect(moved.row.status).toBe('ready_for_review')
      expect(moved.row.owner).toBeNull()
      const selfApproval = await fails('transition', { table: 'jobs', id: row.id, to: 'done' })
      expect(['transition_not_allowed', 'forbidden']).toContain(selfApproval.code)
      expect((await fx.op.getRow('jobs', row.id)).status).toBe('ready_for_review')
    })

    it('a stale update_row comes back as version_conflict with the current row, and writes nothing', async () => {
      const row = await fx.op.createRow('tasks', { values: { title: 'contested' } })
      await fx.op.patchRow('tasks', row.id, { values: { notes: 'operator was here' } })
      const err = await fails('update_row', { table: 'tasks', id: row.id, values: { notes: 'agent' }, expectedVersion: row.version })
      expect(err.code).toBe('version_conflict')
      expect(err.status).toBe(409)
      expect(err.details?.current?.['version']).toBe(row.version + 1)
      expect((await fx.op.getRow('tasks', row.id)).values['notes']).toBe('operator was here')
    })

    it('a late write with an old fencing token is refused as stale_fencing_token', async () => {
      await fx.op.createTable(tasksTable('fence'))
      const row = await fx.op.createRow('fence', { values: { title: 'handoff' } })
      const mine = await ok<{ lease: { token: number } }>('claim', { table: 'fence', id: row.id })
      await ok('release', { table: 'fence', id: row.id, fencingToken: mine.lease.token })
      await ok('claim', { table: 'fence', id: row.id })
      const err = await fails('update_row', { table: 'fence', id: row.id, values: { notes: 'late' }, fencingToken: mine.lease.token })
      expect(err.code).toBe('stale_fencing_token')
    })

    it('reads docs and writes sections with preconditions and merging', async () => {
      const doc = await fx.op.createDoc({ title: 'mcp-plan', content: '# Plan\n\n## Steps\n\none\ntwo\nthree\nfour\n\n## Notes\n\nn\n' })
      const listed = await ok<{ docs: { title: string }[] }>('read_doc')
      expect(listed.docs.map((d) => d.title)).toContain('mcp-plan')
      const read = await ok<{ id: string; version: number; sections: { key: string; version: number; body: string }[] }>('read_doc', { doc: 'mcp-plan' })
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
      expect(written.section.editedBy).toBe(agent.id)
      const stale = await fails('write_section', { doc: doc.id, key: 'steps', body: 'lost', expectedVersion: steps.version })
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
      const clash = await fails('write_section', { doc: doc.id, key: 'steps', base: steps.body, body: steps.body.replace('one', 'uno') })
      expect(clash.code).toBe('merge_conflict')
      expect((await fx.op.getSection(doc.id, 'steps')).body).toBe('ONE\ntwo\nthree\nfour\nfive')
    })

    it('replace_doc needs the current version', async () => {
      const doc = await fx.op.createDoc({ title: 'mcp-replace', content: '# R\n\nold\n' })
      await fx.op.writeSection(doc.id, 'r', { body: 'changed' })
      const stale = await fails('replace_doc', { doc: doc.id, content: '# R\n\nnew\n', expectedVersion: doc.version })
      expect(stale.code).toBe('version_conflict')
      const current = await fx.op.getDoc(doc.id)
      const replaced = await ok<{ version: number; sections: { body: string }[] }>('replace_doc', {
        doc: doc.id,
        content: '# R\n\nnew\n',
        expectedVersion: current.version,
      })
      expect(replaced.version).toBeGreaterThan(current.version)
      expect(replaced.sections.map((s) => s.body)).toContain('new')
      const missing = await call('replace_doc', { doc: doc.id, content: 'x' })
      expect(missing.isError).toBe(true)
    })

    it('wait_for_events returns the next matching event', async () => {
      const since = (await fx.op.getWorkspace()).revision
      const waiting = ok<{ events: { revision: number; type: string; actor: string }[]; nextSince: number }>('wait_for_events', {
        since,
        wait: 20,
        type: 'doc.*',
      })
      const doc = await fx.op.createDoc({ title: 'mcp-wake', content: '# W\n\nx\n' })
      const woke = await waiting
      expect(woke.events.map((e) => e.type)).toEqual(['doc.created'])
      expect(woke.nextSince).toBeGreaterThan(since)
      void doc
    })

    it('history shows who did what, and a section\'s writes', async () => {
      const since = (await fx.op.getWorkspace()).revision
      const row = await ok<{ row: { id: string } }>('create_row', { table: 'tasks', values: { title: 'by the agent' } })
      const log = await ok<{ events: { type: string; actor: string; target: { id: string } }[] }>('history', { since, table: 'tasks' })
      expect(log.events).toEqual([expect.objectContaining({ type: 'row.created', actor: agent.id, target: expect.objectContaining({ id: row.row.id }) })])

      const doc = await fx.op.createDoc({ title: 'mcp-history', content: '# H\n\nv0\n' })
      await ok('write_section', { doc: doc.id, key: 'h', body: 'v1' })
      const sectionLog = await ok<{ events: { type: string; actor: string }[] }>('history', { doc: doc.id, section: 'h' })
      expect(sectionLog.events.filter((e) => e.type === 'doc.section_written').map((e) => e.actor)).toEqual([agent.id])
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
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n')
}
