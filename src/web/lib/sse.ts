/**
 * A Server-Sent Events parser that works on text chunks from a fetch() stream.
 * EventSource cannot send an Authorization header, so the UI reads the stream itself.
 */

export interface SseMessage {
  readonly id: string | null
  readonly event: string
  readonly data: string
}

export class SseParser {
  private buffer = ''
  private id: string | null = null
  private event = ''
  private data: string[] = []
  private hasData = false

  /** Feeds a chunk; returns the messages it completed (comments and pings are skipped). */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk
    const out: SseMessage[] = []
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer)
      if (!m) break
      // A lone trailing \r may be the first half of \r\n: wait for more input.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break
      const line = this.buffer.slice(0, m.index)
      this.buffer = this.buffer.slice(m.index + m[0].length)
      const msg = this.line(line)
      if (msg) out.push(msg)
    }
    return out
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      if (!this.hasData) {
        this.event = ''
        return null
      }
      const msg: SseMessage = { id: this.id, event: this.event || 'message', data: this.data.join('\n') }
      this.event = ''
      this.data = []
      this.hasData = false
      return msg
    }
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    switch (field) {
      case 'data':
        this.data.push(value)
        this.hasData = true
        break
      case 'event':
        this.event = value
        break
      case 'id':
        if (!value.includes('\0')) this.id = value
        break
      default:
        break // `retry` and unknown fields are ignored
    }
    return null
  }
}
