/**
 * Prints the sizes of two MCP replies on a demo-like workload, as an agent
 * sees them over Streamable HTTP:
 *   npx tsx test/mcp/measure-reply-sizes.ts
 * - wait_for_events since=0 limit=100
 * - query_rows over 10 rows
 * Size = characters of the whole JSON-RPC `result` (content + structuredContent).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { DockClient } from '../../src/client/index.js'
import { startDockServer } from '../../src/http/serve.js'
import { runDemoWorkload } from './demo-workload.js'

const dataDir = await mkdtemp(join(tmpdir(), 'dock-mcp-size-'))
const srv = await startDockServer({ host: '127.0.0.1', port: 0, dataDir, operatorToken: 'op', logger: false })
try {
  const { plannerKey, revision } = await runDemoWorkload(srv.url, 'op')
  const op = new DockClient({ baseUrl: srv.url, token: 'op' })
  for (let i = (await op.listRows('tasks', { limit: 500 })).items.length; i < 10; i++) {
    await op.createRow('tasks', { values: { key: `X${i}`, title: `Extra task ${i}` } })
  }
  const transport = new StreamableHTTPClientTransport(new URL(`${srv.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${plannerKey}` } },
  })
  const client = new Client({ name: 'size', version: '0' })
  await client.connect(transport)
  const events = await client.callTool({ name: 'wait_for_events', arguments: { since: 0, limit: 100 } })
  const rows = await client.callTool({ name: 'query_rows', arguments: { table: 'tasks', limit: 10 } })
  const text = (r: typeof events): number =>
    (r.content as { type: string; text?: string }[]).reduce((n, c) => n + (c.text?.length ?? 0), 0)
  if (process.env['SHOW']) {
    const by = new Map<string, number[]>()
    for (const e of JSON.parse((events.content as { text: string }[])[0]!.text).events as { type: string }[])
      by.set(e.type, [...(by.get(e.type) ?? []), JSON.stringify(e).length])
    for (const [t, n] of by)
      console.log(
        t,
        n.length,
        n.reduce((a, b) => a + b, 0),
      )
    console.log((rows.content as { text: string }[])[0]!.text.slice(0, 1500))
  }
  console.log(`workload: ${revision} events in the log`)
  console.log(`wait_for_events since=0 limit=100: result ${JSON.stringify(events).length} chars (text ${text(events)})`)
  console.log(`query_rows limit=10: result ${JSON.stringify(rows).length} chars (text ${text(rows)})`)
  await client.close()
} finally {
  await srv.close()
  await rm(dataDir, { recursive: true, force: true })
}
