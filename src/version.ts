import { readFileSync } from 'node:fs'

/**
 * The package version, read once from package.json so the server's health and
 * OpenAPI, the CLI's --version and the MCP server agree with what npm installed.
 * Both `src/` (tests, tsx) and `dist/` (the build) sit one level below it.
 */
export const DOCK_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version
