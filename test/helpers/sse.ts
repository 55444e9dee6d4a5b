/** A minimal SSE reader over fetch for tests: yields parsed events until aborted or the stream ends. */
export interface SseEvent {
  readonly id: string | null
  readonly event: string | null
  readonly data: string
}

export async function* readSse(
  url: string,
  opts: { key: string; lastEventId?: string; signal?: AbortSignal },
): AsyncGenerator<SseEvent> {
  const res = await fetch(url, {
    headers: {
      authorization: `Bearer ${opts.key}`,
      ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}),
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  if (res.status !== 200 || res.body === null) throw new Error(`watch answered ${res.status}: ${await res.text()}`)
  const decoder = new TextDecoder()
  let buffer = ''
  const reader = res.body.getReader()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let cut: number
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut)
        buffer = buffer.slice(cut + 2)
        let id: string | null = null
        let event: string | null = null
        const data: string[] = []
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue
          const colon = line.indexOf(':')
          const field = colon < 0 ? line : line.slice(0, colon)
          const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
          if (field === 'id') id = val
          else if (field === 'event') event = val
          else if (field === 'data') data.push(val)
        }
        if (data.length > 0) yield { id, event, data: data.join('\n') }
      }
    }
  } finally {
    reader.releaseLock()
  }
}
