/**
 * The Dock server the benchmarks load, in its own process so the load
 * generator does not share its event loop. Args: <dataDir>; env
 * DOCK_OPERATOR_TOKEN, optional DOCK_DATABASE_URL. Prints `DOCK_LISTENING <url>`.
 */
import { startDockServer } from '../src/http/serve.js'

const server = await startDockServer({
  host: '127.0.0.1',
  port: 0,
  dataDir: process.argv[2] ?? './dock-bench-data',
  webRoot: null,
  operatorToken: process.env['DOCK_OPERATOR_TOKEN'],
  databaseUrl: process.env['DOCK_DATABASE_URL'],
  // The watch scenario holds 1,000 streams with the operator's one key, far past the per-principal default.
  maxStreamsPerPrincipal: Number(process.env['DOCK_MAX_STREAMS_PER_PRINCIPAL'] ?? 100_000),
})
process.stdout.write(`DOCK_LISTENING ${server.url}\n`)
const stop = (): void => {
  void server.close().finally(() => process.exit(0))
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
