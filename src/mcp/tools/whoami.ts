import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { Row } from '../../domain/types.js'
import { runTool, toolResult, type ToolContext } from '../tool-result.js'
import { rowTitle } from '../views.js'

export function registerWhoamiTool(server: McpServer, { client }: ToolContext): void {
  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description:
        'Your identity and what you hold: id, name, kind, roles, skills, workspace (with its current revision), your open claims ' +
        '(table, row id, title, status, version, fencingToken, lease expiry) and the doc locks you hold. ' +
        'Call it first, and again after losing context: it tells you which work is already yours and the tokens to continue it.',
      annotations: { readOnlyHint: true },
    },
    () =>
      runTool(async () => {
        const me = await client.me()
        const [view, docs] = await Promise.all([client.getPrincipal(me.principal.id), client.listDocs()])
        // One read per table holding a claim gives every claim its title and version.
        const rows = new Map<string, Row>()
        for (const table of new Set(view.openClaims.map((c) => c.table))) {
          const page = await client.listRows(table, { owner: me.principal.id, limit: 500 })
          for (const row of page.items) rows.set(row.id, row)
        }
        const now = Date.now()
        const p = me.principal
        return toolResult({
          id: p.id,
          name: p.name,
          kind: p.kind,
          roles: p.roles,
          skills: p.skills,
          status: p.status,
          workspace: {
            id: me.workspace.id,
            name: me.workspace.name,
            revision: me.workspace.revision,
            ...(me.workspace.frozen ? { frozen: true } : {}),
          },
          claims: view.openClaims.map((c) => {
            const row = rows.get(c.id)
            const title = rowTitle(row?.values)
            return {
              table: c.table,
              id: c.id,
              ...(title !== undefined ? { title } : {}),
              status: c.status,
              ...(row !== undefined ? { version: row.version } : {}),
              fencingToken: c.fencingToken,
              leaseExpiresAt: c.leaseExpiresAt,
            }
          }),
          docLocks: docs
            .filter((d) => d.lock !== null && d.lock.owner === p.id && Date.parse(d.lock.expiresAt) > now)
            .map((d) => ({ doc: d.id, title: d.title, token: d.lock!.token, expiresAt: d.lock!.expiresAt })),
        })
      }),
  )
}
