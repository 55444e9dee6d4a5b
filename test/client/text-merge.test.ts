import { describe, expect, it } from 'vitest'
import { mergeText } from '../../src/client/index.js'

describe('mergeText', () => {
  const base = 'intro\n\nalpha\nbeta\ngamma\ndelta\nepsilon\n'

  it('combines edits to lines far apart', () => {
    const mine = base.replace('alpha', 'ALPHA')
    const theirs = base.replace('epsilon', 'EPSILON')
    expect(mergeText(base, mine, theirs)).toEqual({ ok: true, text: 'intro\n\nALPHA\nbeta\ngamma\ndelta\nEPSILON\n' })
  })

  it('keeps an insertion on one side and a deletion on the other', () => {
    const mine = base.replace('beta\n', 'beta\nbeta-and-a-half\n')
    const theirs = base.replace('intro\n\n', '')
    expect(mergeText(base, mine, theirs)).toEqual({
      ok: true,
      text: 'alpha\nbeta\nbeta-and-a-half\ngamma\ndelta\nepsilon\n',
    })
  })

  it('takes the other side when one side did not change', () => {
    const theirs = base.replace('gamma', 'GAMMA')
    expect(mergeText(base, base, theirs)).toEqual({ ok: true, text: theirs })
    expect(mergeText(base, theirs, base)).toEqual({ ok: true, text: theirs })
  })

  it('does not count the same change on both sides as a conflict', () => {
    const both = base.replace('delta', 'DELTA')
    expect(mergeText(base, both, both)).toEqual({ ok: true, text: both })
    const mine = both.replace('alpha', 'A')
    expect(mergeText(base, mine, both)).toEqual({ ok: true, text: mine })
  })

  it('reports overlapping edits as conflicts with each side', () => {
    const mine = base.replace('gamma', 'gamma (mine)')
    const theirs = base.replace('gamma', 'gamma (theirs)')
    const result = mergeText(base, mine, theirs)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.conflicts).toHaveLength(1)
    expect(result.conflicts[0]).toMatchObject({
      base: 'gamma',
      mine: 'gamma (mine)',
      theirs: 'gamma (theirs)',
      baseLine: 4,
    })
  })

  it('treats two inserts at the same place as a conflict', () => {
    const result = mergeText('a\nb\n', 'a\nX\nb\n', 'a\nY\nb\n')
    expect(result).toMatchObject({ ok: false, conflicts: [{ base: '', mine: 'X', theirs: 'Y' }] })
  })

  it('treats edits to adjacent lines as overlapping', () => {
    expect(mergeText('a\nb\nc\n', 'A\nb\nc\n', 'a\nB\nc\n').ok).toBe(false)
  })

  it('preserves the absence of a trailing newline and CRLF lines', () => {
    expect(mergeText('x\r\ny\r\nz', 'X\r\ny\r\nz', 'x\r\ny\r\nZ')).toEqual({ ok: true, text: 'X\r\ny\r\nZ' })
  })
})
