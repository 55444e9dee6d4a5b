/**
 * The hub under the hints a networked store really sends: the same revision
 * twice (the local commit, then the NOTIFY echo) and hints for revisions an
 * earlier read already loaded. Neither may cost a later wake-up.
 */
import { describe, expect, it } from 'vitest'

import type { DockEvent } from '../../src/domain/types.js'
import { ChangeHub } from '../../src/service/change-hub.js'
import type { Storage, Tx } from '../../src/storage/storage.js'

function fakeStore(): { storage: Storage; commit(): number; hint(revision: number): void } {
  const events: DockEvent[] = []
  let listener: (workspaceId: string, revision: number) => void = () => undefined
  const tx = {
    getWorkspace: async () => ({
      id: 'w',
      name: 'w',
      revision: events.length,
      headHash: '',
      frozen: false,
      createdAt: '',
    }),
    listEvents: async (_w: string, since: number, limit: number) =>
      events.filter((e) => e.revision > since).slice(0, limit),
  } as unknown as Tx
  const storage = {
    kind: 'postgres',
    init: async () => undefined,
    close: async () => undefined,
    write: async () => {
      throw new Error('not used')
    },
    read: async <T>(fn: (t: Tx) => Promise<T>) => fn(tx),
    onCommit: (l: typeof listener) => {
      listener = l
      return () => undefined
    },
  } as unknown as Storage
  return {
    storage,
    commit() {
      const revision = events.length + 1
      events.push({ workspaceId: 'w', revision } as DockEvent)
      return revision
    },
    hint: (revision) => listener('w', revision),
  }
}

describe('ChangeHub and repeated commit hints', () => {
  it('a duplicate hint does not stop later hints from waking watchers', async () => {
    const store = fakeStore()
    const hub = new ChangeHub(store.storage)
    store.hint(store.commit())
    await hub.waitForRevision('w', 0, 1_000)
    store.hint(1) // the NOTIFY echo of a commit already heard locally
    await new Promise((resolve) => setTimeout(resolve, 10))
    store.hint(store.commit())
    const started = Date.now()
    await hub.waitForRevision('w', 1, 2_000)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect((await hub.eventsAfter('w', 1, 10)).map((e) => e.revision)).toEqual([2])
    hub.close()
  })
})
