import { describe, expect, it } from 'vitest'
import { SseParser } from '../../src/client/index.js'

describe('SseParser', () => {
  it('parses id, event and multi-line data, skipping comments', () => {
    const p = new SseParser()
    const out = p.push(': ping\n\nid: 7\nevent: row.created\ndata: {"a":\ndata: 1}\n\n')
    expect(out).toEqual([{ id: '7', event: 'row.created', data: '{"a":\n1}', retry: undefined }])
  })

  it('reassembles messages split across chunks, including a split CRLF', () => {
    const p = new SseParser()
    const text = 'id: 1\r\ndata: one\r\n\r\nid: 2\r\ndata: two\r\n\r\n'
    const out = []
    for (const ch of text) out.push(...p.push(ch))
    expect(out.map((m) => [m.id, m.data])).toEqual([
      ['1', 'one'],
      ['2', 'two'],
    ])
  })

  it('defaults the event name and reads retry', () => {
    const p = new SseParser()
    expect(p.push('retry: 1500\ndata:x\n\n')).toEqual([{ id: undefined, event: 'message', data: 'x', retry: 1500 }])
  })

  it('holds an unterminated message until its blank line', () => {
    const p = new SseParser()
    expect(p.push('data: half')).toEqual([])
    expect(p.push('\n')).toEqual([])
    expect(p.push('\n')).toHaveLength(1)
  })
})
