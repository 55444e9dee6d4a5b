import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/**
 * Opaque, URL-safe ids: a prefix naming the kind (`r_` row, `p_` principal …),
 * 10 chars of time so ids sort roughly by creation, 12 random chars.
 */
export function newId(prefix: string): string {
  let time = Date.now()
  let head = ''
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head
    time = Math.floor(time / 32)
  }
  const bytes = randomBytes(12)
  let tail = ''
  for (const b of bytes) tail += ALPHABET[b % 32]
  return `${prefix}_${head}${tail}`
}

/** A principal's secret key: 32 random bytes, shown once, stored only as a hash. */
export function newKey(): string {
  return `dock_${randomBytes(32).toString('base64url')}`
}
