/**
 * A demo-like workload for measuring MCP reply sizes: the crew of `dock demo`
 * (planner, three workers, a reviewer) runs the demo script to completion at
 * full speed against a live server, then more heartbeats top the log up so a
 * 100-event page is always full.
 */
import { DockClient } from '../../src/client/index.js'
import { Narrator } from '../../src/cli/demo/narrator.js'
import { Pace } from '../../src/cli/demo/pace.js'
import { runDemo } from '../../src/cli/demo/run-demo.js'

export interface DemoWorkload {
  /** Key of the planner, the crew member that reads the log in the demo. */
  readonly plannerKey: string
  readonly revision: number
}

export async function runDemoWorkload(url: string, operatorKey: string, minEvents = 120): Promise<DemoWorkload> {
  const signal = new AbortController().signal
  const summary = await runDemo({
    url,
    operatorKey,
    workspace: 'default',
    narrator: new Narrator({ write: () => undefined, colour: false }),
    pace: new Pace(0, signal),
    signal,
  })
  if (!summary.allDone) throw new Error('the demo workload did not finish')
  const op = new DockClient({ baseUrl: url, token: operatorKey })
  // The planner's key was shown once to the demo; an agent of the same standing reads the log here.
  const reader = await op.createPrincipal({ name: 'log-reader', kind: 'agent', roles: ['member'], skills: [] })
  let revision = (await op.getWorkspace()).revision
  if (revision < minEvents) {
    // Claim-and-heartbeat traffic, as long-running workers make it.
    await op.createRow('tasks', { values: { key: 'T7', title: 'Keep the lights on' } })
    const claim = await new DockClient({ baseUrl: url, token: reader.key }).claimNext('tasks')
    if (claim === null) throw new Error('nothing to claim for the top-up')
    const worker = new DockClient({ baseUrl: url, token: reader.key })
    while ((revision = (await op.getWorkspace()).revision) < minEvents) {
      await worker.heartbeat('tasks', claim.row.id, { fencingToken: claim.lease.token })
    }
  }
  return { plannerKey: reader.key, revision }
}
