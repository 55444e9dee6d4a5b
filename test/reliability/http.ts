/**
 * Small loopback HTTP helpers shared by the reliability suites: a JSON call that
 * never throws on a status, and paging readers for the log and rows.
 */

export interface HttpReply {
  readonly status: number
  readonly headers: Headers
  readonly contentType: string
  readonly text: string
  /** Parsed JSON body, or null when the body is not JSON. */
  readonly body: any
}

export interface CallOptions {
  readonly key?: string | null
  readonly body?: unknown
  /** Sent as-is instead of JSON.stringify(body). */
  readonly rawBody?: string
  readonly headers?: Record<string, string>
  readonly signal?: AbortSignal
}

export async function call(base: string, method: string, path: string, opts: CallOptions = {}): Promise<HttpReply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) }
  if (opts.key !== undefined && opts.key !== null) headers['authorization'] = `Bearer ${opts.key}`
  let body: string | undefined
  if (opts.rawBody !== undefined) body = opts.rawBody
  else if (opts.body !== undefined) body = JSON.stringify(opts.body)
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json'
  const res = await fetch(base + path, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  const text = await res.text()
  let parsed: unknown = null
  try {
    parsed = text === '' ? null : JSON.parse(text)
  } catch {
    parsed = null
  }
  return {
    status: res.status,
    headers: res.headers,
    contentType: res.headers.get('content-type') ?? '',
    text,
    body: parsed,
  }
}

/** Like `call`, but throws unless the status is 2xx; returns the parsed body. */
export async function ok(base: string, method: string, path: string, opts: CallOptions = {}): Promise<any> {
  const r = await call(base, method, path, opts)
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} → ${r.status} ${r.text.slice(0, 500)}`)
  return r.body
}

export interface LogEvent {
  readonly revision: number
  readonly type: string
  readonly actor: string
  readonly target: { kind: string; id: string; table?: string }
  readonly after: any
  readonly hash: string
  readonly prevHash: string
}

/** The whole log of a workspace, paging `GET /events` 1000 at a time. */
export async function readLog(
  base: string,
  key: string,
  ws = 'default',
): Promise<{ events: LogEvent[]; revision: number }> {
  const events: LogEvent[] = []
  let since = 0
  let revision = 0
  for (let page = 0; page < 10_000; page++) {
    const r = await ok(base, 'GET', `/v1/workspaces/${ws}/events?since=${since}&limit=1000`, { key })
    revision = r.revision
    events.push(...(r.items as LogEvent[]))
    if (r.items.length < 1000) break
    since = r.nextSince
  }
  return { events, revision }
}

/** Every row of a table, paging by cursor. */
export async function readRows(base: string, key: string, table: string, ws = 'default'): Promise<any[]> {
  const rows: any[] = []
  let cursor: string | null = null
  for (let page = 0; page < 10_000; page++) {
    const q: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`
    const r = await ok(base, 'GET', `/v1/workspaces/${ws}/tables/${table}/rows?limit=500${q}`, { key })
    rows.push(...r.items)
    cursor = r.nextCursor
    if (cursor === null) break
  }
  return rows
}

export async function workspaceRevision(base: string, key: string, ws = 'default'): Promise<number> {
  return (await ok(base, 'GET', `/v1/workspaces/${ws}`, { key })).revision
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
