import { SseParser, type SseMessage } from '../../src/client/sse-parser.js'

/**
 * An SSE reader over fetch for tests: yields each message until aborted or the
 * stream ends. It parses with the SDK's SseParser, so the tests read streams
 * exactly as the SDK and the console do.
 */
export async function* readSse(
  url: string,
  opts: { key: string; lastEventId?: string; signal?: AbortSignal },
): AsyncGenerator<SseMessage> {
  const res = await fetch(url, {
    headers: {
      authorization: `Bearer ${opts.key}`,
      ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}),
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  if (res.status !== 200 || res.body === null) throw new Error(`watch answered ${res.status}: ${await res.text()}`)
  const decoder = new TextDecoder()
  const parser = new SseParser()
  const reader = res.body.getReader()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      yield* parser.push(decoder.decode(value, { stream: true }))
    }
  } finally {
    reader.releaseLock()
  }
}
