/**
 * @module
 * The Node-only part of the Dock client SDK: running a command-line agent per
 * claimed row. Kept out of the browser-safe root (`src/client/index.ts`)
 * because it needs child processes and the file system. Import it as
 * `dock/dist/client/node/index.js`. Named exports only.
 */
export { runCommandWorker } from './command-worker.js'
export type { CommandOutputLine, RunCommandWorkerOptions } from './command-worker.js'
export { GUARD_SUPPORTED, signalGroup, spawnGuarded } from './process-guard.js'
export type { GuardedSpawnOptions } from './process-guard.js'
export { planWorker, runWorker, WorkerConfigError } from '../worker.js'
export type {
  RunWorkerOptions,
  TaskOutcome,
  WorkerEvent,
  WorkerHandler,
  WorkerPlan,
  WorkerStop,
  WorkerSummary,
  WorkerTask,
} from '../worker.js'
