/** One dispatched Server-Sent Events message. */
export interface SseMessage {
  /** `event:` field; 'message' when absent. */
  readonly event: string
  readonly data: string
  /** `id:` of this message, or undefined when it set none. */
  readonly id: string | undefined
  readonly retry: number | undefined
}

/**
 * Incremental text/event-stream parser (WHATWG HTML §9.2.6): feed decoded text
 * as it arrives, get back whole messages. Chunks may split lines anywhere,
 * including between the '\r' and '\n' of a CRLF.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseParser {
  #buffer = ''
  #event = ''
  #data: string[] = []
  #id: string | undefined = undefined
  #retry: number | undefined = undefined
  #sawField = false

  push(text: string): SseMessage[] {
    this.#buffer += text
    const out: SseMessage[] = []
    let start = 0
    for (;;) {
      const cr = this.#buffer.indexOf('\r', start)
      const lf = this.#buffer.indexOf('\n', start)
      let end: number
      let next: number
      if (cr === -1 && lf === -1) break
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A lone '\r' at the end of the buffer may be the first half of a CRLF.
        if (cr === this.#buffer.length - 1) break
        end = cr
        next = this.#buffer[cr + 1] === '\n' ? cr + 2 : cr + 1
      } else {
        end = lf
        next = lf + 1
      }
      const message = this.#line(this.#buffer.slice(start, end))
      if (message) out.push(message)
      start = next
    }
    this.#buffer = this.#buffer.slice(start)
    return out
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') return this.#dispatch()
    if (line.startsWith(':')) return undefined
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    this.#sawField = true
    switch (field) {
      case 'event':
        this.#event = value
        break
      case 'data':
        this.#data.push(value)
        break
      case 'id':
        if (!value.includes('\0')) this.#id = value
        break
      case 'retry':
        if (/^\d+$/.test(value)) this.#retry = Number(value)
        break
      default:
        break
    }
    return undefined
  }

  #dispatch(): SseMessage | undefined {
    const had = this.#sawField && this.#data.length > 0
    const message: SseMessage = {
      event: this.#event === '' ? 'message' : this.#event,
      data: this.#data.join('\n'),
      id: this.#id,
      retry: this.#retry,
    }
    this.#event = ''
    this.#data = []
    this.#id = undefined
    this.#retry = undefined
    this.#sawField = false
    return had ? message : undefined
  }
}
