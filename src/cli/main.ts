/**
 * The `dock` executable (bin/dock.js imports the build of this file).
 *
 * @module
 */
import { createProcessIo } from './io.js'
import { runCli } from './run-cli.js'

const code = await runCli(process.argv.slice(2), createProcessIo())
process.exitCode = code
