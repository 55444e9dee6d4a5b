import { describe, expect, it } from 'vitest'

import { parseSections, renderSections, slugify } from '../../src/domain/markdown-sections.js'

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
})
