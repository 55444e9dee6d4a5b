import { readFileSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import { ERROR_CODES } from '../../src/domain/errors.js'
import { HTTP_STATUS_BY_CODE } from '../../src/http/error-status.js'

describe('error codes', () => {
  const reference = readFileSync(new URL('../../docs/http-api.md', import.meta.url), 'utf8')

  it.each(ERROR_CODES.map((c) => [c]))('%s is documented in docs/http-api.md with its status', (code) => {
    expect(reference).toContain(`${code} ${HTTP_STATUS_BY_CODE[code]}`)
  })
})
