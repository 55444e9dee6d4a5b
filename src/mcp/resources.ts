/**
 * Docs and tables as MCP resources, and (where the transport keeps a channel
 * open to the client) `notifications/resources/updated` driven by the change
 * feed for the resources a client subscribed to.
 *
 *   dock://docs/{doc}      the doc as markdown (text/markdown)
 *   dock://tables/{table}  the table's contract and its rows, compact (application/json)
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import {
  ErrorCode,
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js'
import { isDockApiError } from '../client/dock-api-error.js'
import type { DockEvent } from '../domain/types.js'
import { Legend } from './name-book.js'
import type { ToolContext } from './tool-result.js'
import { rowView, tableView } from './views.js'

export const DOC_URI = 'dock://docs/'
export const TABLE_URI = 'dock://tables/'
/** Rows a table resource shows; query_rows pages through the rest. */
const TABLE_RESOURCE_ROWS = 100

/** The spec's code for an unknown resource (https://modelcontextprotocol.io/specification/2025-06-18/server/resources#error-handling). */
const RESOURCE_NOT_FOUND = -32002

export function registerResources(server: McpServer, ctx: ToolContext): void {
  const { client } = ctx
  server.registerResource(
    'doc',
    new ResourceTemplate(`${DOC_URI}{doc}`, {
      list: async () => ({
        resources: (await client.listDocs()).map((d) => ({
          uri: `${DOC_URI}${d.id}`,
          name: d.title,
          title: d.title,
          mimeType: 'text/markdown',
        })),
      }),
    }),
    { title: 'Doc', description: 'A doc of the workspace as markdown (by id or title).', mimeType: 'text/markdown' },
    (uri, { doc }) =>
      readOrNotFound(uri.href, async () => ({
        contents: [
          {
            uri: uri.href,
            mimeType: 'text/markdown',
            text: await client.getDocMarkdown(decodeURIComponent(String(doc))),
          },
        ],
      })),
  )
  server.registerResource(
    'table',
    new ResourceTemplate(`${TABLE_URI}{table}`, {
      list: async () => ({
        resources: (await client.listTables()).map((t) => ({
          uri: `${TABLE_URI}${t.name}`,
          name: t.name,
          title: `Table ${t.name}`,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'Table',
      description: `A table: its contract in brief and its first ${TABLE_RESOURCE_ROWS} rows (compact).`,
      mimeType: 'application/json',
    },
    (uri, { table }) =>
      readOrNotFound(uri.href, async () => {
        const name = decodeURIComponent(String(table))
        const [t, page] = await Promise.all([
          client.getTable(name),
          client.listRows(name, { limit: TABLE_RESOURCE_ROWS }),
        ])
        ctx.book.beginReply()
        const legend = new Legend(ctx.book)
        const rows = []
        for (const row of page.items) rows.push(await rowView(row, legend, ctx.book))
        const view = {
          table: tableView(t),
          rows,
          ...(page.nextCursor !== null ? { more: true } : {}),
          principals: legend.toJSON(),
        }
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(view) }] }
      }),
  )
}

async function readOrNotFound<T>(uri: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (err) {
    if (isDockApiError(err) && err.code === 'not_found')
      throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri })
    if (isDockApiError(err))
      throw new McpError(ErrorCode.InternalError, `${err.code}: ${err.message}`, { code: err.code })
    throw err
  }
}

/** Stops the feed behind resource subscriptions. */
export interface ResourceSubscriptions {
  close(): void
}

/**
 * resources/subscribe and /unsubscribe, answered from the change feed: while
 * any URI is subscribed, one watch follows the workspace's events and each
 * event touching a subscribed doc or table sends `notifications/resources/updated`.
 * Only for transports that keep a channel to the client (stdio); stateless
 * HTTP has none, so it does not offer subscriptions.
 */
export function registerResourceSubscriptions(server: McpServer, ctx: ToolContext): ResourceSubscriptions {
  const { client } = ctx
  /** Canonical key (`doc:<id>`, `table:<name>`) → the URIs the client subscribed under. */
  const subscribed = new Map<string, Set<string>>()
  let watching: AbortController | null = null

  server.server.registerCapabilities({ resources: { subscribe: true } })

  const keyOf = async (uri: string): Promise<string> => {
    if (uri.startsWith(DOC_URI)) {
      // A doc may be named by title: subscribe under its id, which events carry.
      const doc = await readOrNotFound(uri, () => client.getDoc(decodeURIComponent(uri.slice(DOC_URI.length))))
      return `doc:${doc.id}`
    }
    if (uri.startsWith(TABLE_URI)) {
      const table = await readOrNotFound(uri, () => client.getTable(decodeURIComponent(uri.slice(TABLE_URI.length))))
      return `table:${table.name}`
    }
    throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri })
  }

  const notify = async (event: DockEvent): Promise<void> => {
    const key =
      event.target.doc !== undefined
        ? `doc:${event.target.doc}`
        : event.target.table !== undefined
          ? `table:${event.target.table}`
          : null
    for (const uri of (key === null ? undefined : subscribed.get(key)) ?? [])
      await server.server.sendResourceUpdated({ uri })
  }

  /** Follows the feed from `since`: the revision read before subscribe answered, so no later change is missed. */
  const startWatch = (since: number): void => {
    if (watching !== null) return
    const ac = new AbortController()
    watching = ac
    void (async () => {
      try {
        for await (const event of client.watch({ since, signal: ac.signal })) await notify(event)
      } catch (err) {
        if (!ac.signal.aborted) process.stderr.write(`dock mcp: resource updates stopped: ${String(err)}\n`)
      } finally {
        if (watching === ac) watching = null
      }
    })()
  }

  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const key = await keyOf(request.params.uri)
    const uris = subscribed.get(key) ?? new Set<string>()
    uris.add(request.params.uri)
    subscribed.set(key, uris)
    if (watching === null) startWatch((await client.getWorkspace()).revision)
    return {}
  })
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    for (const [key, uris] of subscribed) {
      uris.delete(request.params.uri)
      if (uris.size === 0) subscribed.delete(key)
    }
    if (subscribed.size === 0) {
      watching?.abort()
      watching = null
    }
    return {}
  })
  return {
    close() {
      watching?.abort()
      watching = null
    },
  }
}
