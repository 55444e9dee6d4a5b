import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { runTool, toolResult, type ToolContext } from '../tool-result.js'

export function registerListPrincipalsTool(server: McpServer, { client }: ToolContext): void {
  server.registerTool(
    'list_principals',
    {
      title: 'List principals',
      description:
        'Lists the humans and agents of the workspace: name, id, kind, roles, skills, status, and how many open claims each holds. ' +
        'Use it to find who can review, whose skills fit a task, or a name for a lane owner.',
      annotations: { readOnlyHint: true },
    },
    () =>
      runTool(async () => {
        const page = await client.listPrincipals()
        return toolResult({
          principals: page.items.map((p) => ({
            name: p.name,
            id: p.id,
            kind: p.kind,
            roles: p.roles,
            ...(p.skills.length > 0 ? { skills: p.skills } : {}),
            ...(p.status !== 'active' ? { status: p.status } : {}),
            openClaims: p.openClaims.length,
          })),
        })
      }),
  )
}
