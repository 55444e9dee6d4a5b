import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import Fastify from 'fastify'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'

import * as docs from '../../src/api/docs.js'
import * as events from '../../src/api/events.js'
import type { Operation, ReadonlyDeep } from '../../src/api/operation.js'
import * as principals from '../../src/api/principals.js'
import * as rows from '../../src/api/rows.js'
import * as tables from '../../src/api/tables.js'
import * as workspaces from '../../src/api/workspaces.js'
import type * as sdk from '../../src/client/index.js'
import { DockClient } from '../../src/client/index.js'
import type { WorkflowInput as DomainWorkflowInput } from '../../src/domain/contract.js'
import { ERROR_CODES } from '../../src/domain/errors.js'
import type { Column } from '../../src/domain/types.js'
import { buildOpenApi } from '../../src/http/openapi.js'
import { Router } from '../../src/http/route.js'
import { registerBackupRoutes } from '../../src/http/routes/backup-routes.js'
import { registerConsoleRoutes } from '../../src/http/routes/console-routes.js'
import { registerDocRoutes } from '../../src/http/routes/doc-routes.js'
import { registerEventRoutes } from '../../src/http/routes/event-routes.js'
import { registerTableRoutes } from '../../src/http/routes/table-routes.js'
import { registerWorkspaceRoutes } from '../../src/http/routes/workspace-routes.js'
import { StreamRegistry } from '../../src/http/stream-registry.js'
import { createDockMcpServer } from '../../src/mcp/dock-mcp-server.js'
import type { DockService } from '../../src/service/dock-service.js'

const MODULES = [workspaces, principals, tables, rows, docs, events]
const OPERATIONS: Operation[] = MODULES.flatMap((m) => Object.values(m)).filter(
  (v): v is Operation => typeof v === 'object' && v !== null && 'errors' in v && Array.isArray(v.errors),
)

/** The JSON routes as the app registers them; registering touches no service method. */
function registeredRoutes(): Router['routes'] {
  const router = new Router(Fastify(), {} as DockService)
  const service = {} as DockService
  registerWorkspaceRoutes(router, service)
  registerTableRoutes(router, service)
  registerDocRoutes(router, service)
  registerEventRoutes(router, service, new StreamRegistry(1))
  registerBackupRoutes(router, service)
  registerConsoleRoutes(router, service)
  return router.routes
}

describe('API contracts (src/api)', () => {
  it('are what every HTTP route validates with: no route carries a schema of its own', () => {
    const bodies = new Set(OPERATIONS.map((o) => o.body).filter((s) => s !== undefined))
    const queries = new Set(OPERATIONS.map((o) => o.query).filter((s) => s !== undefined))
    const routes = registeredRoutes()
    expect(routes.length).toBeGreaterThan(40)
    for (const r of routes) {
      const where = `${r.method} ${r.url}`
      if (r.body !== undefined) expect(bodies.has(r.body), where).toBe(true)
      if (r.query !== undefined) expect(queries.has(r.query), where).toBe(true)
      expect(r.errors?.length, where).toBeGreaterThan(0)
      for (const code of r.errors ?? []) expect(ERROR_CODES, where).toContain(code)
    }
  })

  it("put each operation's error codes in the OpenAPI document, under the status each maps to", () => {
    const doc = buildOpenApi(registeredRoutes(), 'test') as {
      paths: Record<string, Record<string, { 'x-error-codes'?: string[]; responses: Record<string, unknown> }>>
    }
    const claim = doc.paths['/v1/workspaces/{ws}/tables/{table}/rows/{id}/claim']!['post']!
    expect(claim['x-error-codes']).toEqual([...rows.claim.errors])
    expect(claim['x-error-codes']).toContain('already_claimed')
    expect(Object.keys(claim.responses)).toEqual(expect.arrayContaining(['200', '409', '401', '423', '429', 'default']))
  })

  it('bound every MCP tool argument exactly as the HTTP body field of the same name', async () => {
    // Tool name → the operation whose body its arguments are sent as.
    const bodyOf: Record<string, z.ZodObject> = {
      create_table: tables.createTable.body,
      create_row: rows.createRow.body,
      claim_next: rows.claimNext.body,
      claim: rows.claim.body,
      heartbeat: rows.heartbeat.body,
      release: rows.release.body,
      transition: rows.transition.body,
      update_row: rows.patchRow.body,
      create_doc: docs.createDoc.body,
      write_section: docs.writeSection.body,
      replace_doc: docs.replaceDoc.body,
      lock_doc: docs.lockDoc.body,
      notes: rows.addNote.body,
    }
    const mcp = createDockMcpServer(new DockClient({ baseUrl: 'http://127.0.0.1:9', token: 'unused' }))
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await mcp.server.connect(serverSide)
    const client = new Client({ name: 'contracts-test', version: '0' })
    await client.connect(clientSide)
    try {
      const { tools } = await client.listTools()
      const strip = (schema: unknown): unknown =>
        JSON.parse(JSON.stringify(schema, (k, v: unknown) => (k === 'description' || k === '$schema' ? undefined : v)))
      let compared = 0
      for (const tool of tools) {
        const body = bodyOf[tool.name]
        if (body === undefined) continue
        const http = z.toJSONSchema(body, { io: 'input', unrepresentable: 'any' }) as {
          properties: Record<string, unknown>
        }
        for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
          const expected = http.properties[field]
          // Path parts (table, id, doc) are no body fields.
          if (expected === undefined) continue
          // MCP may make a required body field optional (a default applies); bounds and types must match.
          const { default: _d, ...got } = strip(schema) as Record<string, unknown>
          const { default: _e, ...want } = strip(expected) as Record<string, unknown>
          expect(got, `${tool.name}.${field}`).toEqual(want)
          compared++
        }
      }
      expect(compared).toBeGreaterThan(30)
    } finally {
      await client.close()
      await mcp.close()
    }
  })

  it('refuse a lease over 24 h as a claim body and as the MCP claim argument alike', () => {
    const day = 24 * 60 * 60_000
    expect(rows.claim.body.safeParse({ leaseMs: day }).success).toBe(true)
    expect(rows.claim.body.safeParse({ leaseMs: day + 1 }).success).toBe(false)
    expect(docs.lockDoc.body.safeParse({ leaseMs: day + 1 }).success).toBe(false)
    expect(
      tables.createTable.body.safeParse({
        name: 't',
        workflow: { statuses: ['a', 'b'], claim: { to: 'b', leaseMs: day + 1 } },
      }).success,
    ).toBe(false)
  })

  it('give the SDK input types that accept what the server parses, and domain records read back', () => {
    // What the server hands the service can always be sent again by a client.
    expectTypeOf<z.output<typeof rows.patchRow.body>>().toExtend<sdk.PatchRowInput>()
    expectTypeOf<z.output<typeof tables.createTable.body>>().toExtend<sdk.CreateTableInput>()
    expectTypeOf<z.output<typeof docs.writeSection.body>>().toExtend<sdk.WriteSectionInput>()
    expectTypeOf<z.output<typeof principals.createPrincipal.body>>().toExtend<sdk.CreatePrincipalInput>()
    // A table's columns, read back, can be published again.
    expectTypeOf<readonly Column[]>().toExtend<NonNullable<sdk.PublishSchemaInput['columns']>>()
    // The parsed contract is the domain's input: no cast between the edge and the service.
    expectTypeOf<z.output<typeof tables.column>>().toExtend<Column>()
    expectTypeOf<z.output<typeof tables.workflow>>().toExtend<DomainWorkflowInput>()
    expectTypeOf<sdk.ClaimInput>().toEqualTypeOf<ReadonlyDeep<z.input<typeof rows.claim.body>>>()
  })
})
