import { describe, expect, it } from 'vitest'

import type { DemoSummary } from '../../src/cli/demo/run-demo.js'
import { dock, json } from './cli-harness.js'

describe('dock demo --fast', () => {
  it('runs the crew to completion: every task done, the stale write refused and merged, audit ok', async () => {
    const run = await dock(['demo', '--fast'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const out = run.stdout

    expect(out).toMatch(/^board: +http:\/\/127\.0\.0\.1:\d+\/#\/board\/tasks$/m)
    expect(out).toMatch(/^key: +\S+ +\(operator of workspace "default"/m)
    for (const agent of ['planner', 'worker-1', 'worker-2', 'worker-3', 'reviewer']) {
      expect(out).toMatch(new RegExp(`^\\[${agent}\\] +joined with its own key`, 'm'))
    }
    expect(out).toMatch(
      /^\[planner\] +created T4 "Wire the UI to the API" \(needs frontend, priority 1, blocked by T2 and T3\)$/m,
    )
    expect(out).toMatch(/^\[worker-\d\] +claimed T1 "Define the API schema" \(token \d+, lease \d+s\)$/m)
    expect(out).toMatch(/^\[worker-\d\] +heartbeat on T\d: lease extended to \d\d:\d\d:\d\d$/m)
    expect(out).toMatch(
      /^\[worker-2\] +stale write refused: 409 version_conflict \("Progress" is at v\d+, I read v\d+\)$/m,
    )
    expect(out).toMatch(
      /^\[worker-2\] +merged my line with the planner's note \(three-way merge\) and retried: "Progress" v\d+$/m,
    )
    expect(out).toMatch(/^\[worker-2\] +tried to approve my own T3: refused, transition_not_allowed /m)
    expect(out).toMatch(/^\[reviewer\] +sent T2 back to todo: /m)
    expect(out).toMatch(/^\[worker-\d\] +claimed T2 "Write the storage layer" \(token \d+, lease \d+s, attempt 2\)$/m)
    // No colour codes when the output is not a terminal.
    expect(out).not.toContain('\x1b[')

    const summary = out.slice(out.indexOf('\nSummary\n'))
    for (const key of ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'])
      expect(summary).toMatch(new RegExp(`^${key}\\s+.+\\s+done\\s+worker-\\d\\s+\\d$`, 'm'))
    expect(summary).toMatch(/^T2\s+Write the storage layer\s+done\s+worker-\d\s+2$/m)
    expect(summary).toMatch(
      /^6\/6 tasks done · (\d+) events in the log · .*1 stale write refused and merged · 1 sent back · 1 self-approval refused$/m,
    )
    expect(summary).toMatch(/^audit ok: (\d+) events checked, hash chain intact to revision \1$/m)
  })

  it('prints a JSON summary with --json, the narration on stderr', async () => {
    const run = await dock(['demo', '--fast', '--json'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('[planner]')
    const summary = json<DemoSummary>(run)
    expect(summary.allDone).toBe(true)
    expect(summary.tasks.map((t) => [t.key, t.status])).toEqual(
      ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'].map((k) => [k, 'done']),
    )
    expect(summary.tasks.find((t) => t.key === 'T2')?.attempts).toBe(2)
    expect(summary.stats).toMatchObject({
      staleWritesRefused: 1,
      merges: 1,
      sendBacks: 1,
      gateRefusals: 1,
      approvals: 6,
    })
    expect(summary.audit).toMatchObject({
      ok: true,
      firstBreak: null,
      headRevision: summary.revision,
      checked: summary.revision,
    })
  })
})
