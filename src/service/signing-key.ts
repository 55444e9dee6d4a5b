import { createPublicKey } from 'node:crypto'

import { DockError } from '../domain/errors.js'

export function toPublicKey(key: string): ReturnType<typeof createPublicKey> {
  if (key.includes('BEGIN')) return createPublicKey(key)
  // Raw 32-byte Ed25519 key in base64: wrap it in the fixed SPKI prefix.
  const raw = Buffer.from(key, 'base64')
  return createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]),
    format: 'der',
    type: 'spki',
  })
}

export function checkPublicKey(key: string): void {
  try {
    const k = toPublicKey(key)
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519')
  } catch {
    throw new DockError('invalid_input', 'publicKey must be an Ed25519 key (SPKI PEM or raw base64)')
  }
}
