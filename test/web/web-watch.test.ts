/** The UI's change-feed reader: resumes after a drop from the last revision, never delivers twice. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DockEvent } from '../../src/domain/types.js'
import { watchWorkspace, type FeedStatus } from '../../src/web/lib/watch.js'

function sse(revisions: number[], extra = ''): string {
  return revisions
    .map((r) => `id: ${r}\nevent: row.updated\ndata: ${JSON.stringify({ revision: r, type: 'row.updated', target: { kind: 'row', id: 'x' } })}\n\n`)
    .join(': ping\n\n') + extra
}

function streamResponse(text: string, chunk = 7): Response {
  const enc = new TextEncoder()
  let i = 0
  return new Response(new ReadableStream<Uint8Array>({
    pull(c) {
      if (i >= text.length) return c.close()
      c.enqueue(enc.encode(text.slice(i, i + chunk)))
      i += chunk
    },
  }), { status: 200, headers: { 'content-type': 'text/event-stream' } })
}

afterEach(() => vi.unstubAllGlobals())

describe('watchWorkspace', () => {
  it('reconnects with since and Last-Event-ID of the last event and skips repeats', async () => {
    const calls: { url: string; lastEventId: string | null; auth: string | null }[] = []
    const replies = [
      () => streamResponse(sse([4, 5, 6])),
      // The server replays 6 (already seen) before 7: it must not be delivered twice.
      () => streamResponse(sse([6, 7])),
      () => new Response(JSON.stringify({ code: 'principal_suspended' }), { status: 403 }),
    ]
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const h = new Headers(init.headers)
      calls.push({ url, lastEventId: h.get('Last-Event-ID'), auth: h.get('Authorization') })
      return replies[calls.length - 1]!()
    })
    const got: number[] = []
    const statuses: FeedStatus[] = []
    let fatal = ''
    await new Promise<void>((resolve) => {
      watchWorkspace({
        key: 'k1', workspace: 'default', since: 3,
        onEvent: (e: DockEvent) => got.push(e.revision),
        onStatus: (s) => { statuses.push(s); if (s === 'stopped') resolve() },
        onFatal: (_status, code) => { fatal = code },
      })
    })
    expect(got).toEqual([4, 5, 6, 7])
    expect(calls.map((c) => [c.url, c.lastEventId])).toEqual([
      ['/v1/workspaces/default/watch?since=3', '3'],
      ['/v1/workspaces/default/watch?since=6', '6'],
      ['/v1/workspaces/default/watch?since=7', '7'],
    ])
    expect(calls.every((c) => c.auth === 'Bearer k1')).toBe(true)
    expect(fatal).toBe('principal_suspended')
    expect(statuses).toContain('live')
    expect(statuses).toContain('reconnecting')
  })

  it('stops for good on an in-stream error event that refuses the principal', async () => {
    let calls = 0
    vi.stubGlobal('fetch', async () => {
      calls++
      return streamResponse(sse([2]) + 'event: error\ndata: {"code":"principal_suspended"}\n\n')
    })
    const got: number[] = []
    let fatal = ''
    await new Promise<void>((resolve) => {
      watchWorkspace({
        key: 'k', workspace: 'w', since: 1,
        onEvent: (e) => got.push(e.revision),
        onStatus: (s) => { if (s === 'stopped') resolve() },
        onFatal: (_s, code) => { fatal = code },
      })
    })
    expect(got).toEqual([2])
    expect(fatal).toBe('principal_suspended')
    expect(calls).toBe(1)
  })

  it('stops cleanly when the caller unsubscribes', async () => {
    let aborted = false
    vi.stubGlobal('fetch', (_url: string, init: RequestInit) => new Promise<Response>((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => { aborted = true; reject(new DOMException('aborted', 'AbortError')) })
    }))
    const statuses: FeedStatus[] = []
    const stop = watchWorkspace({ key: 'k', workspace: 'w', since: 0, onEvent: () => undefined, onStatus: (s) => statuses.push(s) })
    await new Promise((r) => setTimeout(r, 10))
    stop()
    await new Promise((r) => setTimeout(r, 10))
    expect(aborted).toBe(true)
    expect(statuses).toEqual(['connecting', 'stopped'])
  })
})
