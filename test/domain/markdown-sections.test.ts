import { describe, expect, it } from 'vitest'

import { canonicalJson } from '../../src/domain/event-hash.js'
import { checkSectionBody, parseSections, renderSections, slugify } from '../../src/domain/markdown-sections.js'

describe('markdown sections', () => {
  it('round-trips a doc through parse and render', () => {
    const md = '# Title\n\nIntro.\n\n## Plan\n\n- a\n- b\n\n## Results\n\nDone.\n'
    const sections = parseSections(md)
    expect(sections.map((s) => [s.key, s.level])).toEqual([
      ['title', 1],
      ['plan', 2],
      ['results', 2],
    ])
    expect(renderSections(sections)).toBe(md)
  })

  it('gives duplicate headings distinct keys and ignores headings in code fences', () => {
    const keys = parseSections('## A\n\n```md\n## B\n```\n\n## A\n\nx').map((s) => s.key)
    expect(keys).toEqual(['a', 'a-2'])
  })

  it('slugs unicode headings to stable keys', () => {
    expect(slugify('Überblick & Ziele!')).toBe('uberblick-ziele')
    expect(slugify('计划')).toBe('计划')
    expect(slugify('***')).toBe('section')
  })

  it('a section body that passes checkSectionBody stays one section through render and parse', () => {
    const refused: string[] = []
    for (const body of [
      'plain',
      '## heading',
      'a\n# h1',
      '```\nopen',
      '~~~',
      'x\n```js\ncode\n```\n### after',
      '```\n# fenced\n```',
      '    # indented is code',
    ]) {
      try {
        checkSectionBody(body)
      } catch {
        refused.push(body)
        continue
      }
      const doc = [
        { heading: 'One', level: 2, body },
        { heading: 'Two', level: 2, body: 'two' },
      ]
      expect(
        parseSections(renderSections(doc)).map((s) => s.key),
        body,
      ).toEqual(['one', 'two'])
    }
    expect(refused).toEqual(['## heading', 'a\n# h1', '```\nopen', '~~~', 'x\n```js\ncode\n```\n### after'])
  })
})

describe('canonicalJson', () => {
  it('hashes an own __proto__ key as data: content under it changes the canonical form', () => {
    const a = JSON.parse('{"v":{"__proto__":{"x":1}}}') as unknown
    const b = JSON.parse('{"v":{"__proto__":{"x":2}}}') as unknown
    expect(canonicalJson(a)).toBe('{"v":{"__proto__":{"x":1}}}')
    expect(canonicalJson(a)).not.toBe(canonicalJson(b))
    expect(canonicalJson(JSON.parse('{"b":1,"a":[{"d":2,"c":3}]}'))).toBe('{"a":[{"c":3,"d":2}],"b":1}')
  })
})
