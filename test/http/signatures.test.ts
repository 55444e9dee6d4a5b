import { generateKeyPairSync, sign } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startTestServer, tasksTable, type TestServer } from '../helpers/test-world.js'

const P = '/v1/workspaces/default/tables/tasks/rows'

describe('signed writes', () => {
  let server: TestServer
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')

  beforeAll(async () => {
    server = await startTestServer()
    await server.op('POST', '/v1/workspaces/default/tables', tasksTable())
  })
  afterAll(() => server.close())

  it('requires a verifying signature from a principal with a key and keeps it in the log', async () => {
    const created = await server.op('POST', '/v1/workspaces/default/principals', {
      name: 'signer',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    })
    expect(created.status).toBe(201)
    const api = server.api(created.body.key)
    const body = JSON.stringify({ values: { title: 'signed' } })
    const unsigned = await api('POST', P, body)
    expect(unsigned.status).toBe(401)
    expect(unsigned.body.code).toBe('invalid_signature')
    const bad = await api('POST', P, body, {
      'x-dock-signature': sign(null, Buffer.from('something else'), privateKey).toString('base64'),
    })
    expect(bad.body.code).toBe('invalid_signature')
    const signature = sign(null, Buffer.from(`POST ${P}\n${body}`), privateKey).toString('base64')
    const ok = await api('POST', P, body, { 'x-dock-signature': signature })
    expect(ok.status).toBe(201)
    const log = await server.op('GET', `/v1/workspaces/default/events?since=${ok.body.revision - 1}&limit=1`)
    expect(log.body.items[0].signature).toBe(signature)
    expect(log.body.items[0].actor).toBe(created.body.principal.id)
  })

  it('refuses a public key that is not Ed25519', async () => {
    const res = await server.op('POST', '/v1/workspaces/default/principals', {
      name: 'bad-key',
      publicKey: 'not a key',
    })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('invalid_input')
  })
})
