import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { isDockApiError } from '../client/dock-api-error.js'
import type { DockClient } from '../client/dock-client.js'
import { isMergeConflictError } from '../client/merge-conflict-error.js'
import { Legend, type NameBook } from './name-book.js'

/** What every tool acts through: the agent's client, and the names its replies use. */
export interface ToolContext {
  readonly client: DockClient
  readonly book: NameBook
}

/**
 * The error an MCP tool reports: the same stable `code` the HTTP API uses,
 * so an agent can branch on `version_conflict` vs `already_claimed` without
 * parsing prose. `details.current` rides along for conflicts.
 */
export interface ToolErrorPayload {
  readonly code: string
  readonly status: number | null
  readonly message: string
  readonly details?: Record<string, unknown>
}

/**
 * A successful tool result: one text block holding compact JSON, nothing else.
 *
 * Why text only, and no `structuredContent`: the MCP spec (2025-06-18, Tools →
 * Structured content) says a tool that returns structured content SHOULD also
 * return it serialized as text, and makes structured content binding only for
 * tools that declare an `outputSchema` (ours declare none). Returning both
 * doubled every reply; clients hand the model the text block, so the text is
 * what must carry the data. No pretty-printing: indentation is a third of a
 * pretty-printed reply and a model reads compact JSON as well.
 */
export function toolResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }] }
}

/**
 * Builds a reply that names principals: `build` renders ids as names through
 * the legend, and the reply gains `principals: { name: id }` for the names it used.
 */
export async function namedResult(
  ctx: ToolContext,
  build: (legend: Legend) => Promise<Record<string, unknown>>,
): Promise<CallToolResult> {
  ctx.book.beginReply()
  const legend = new Legend(ctx.book)
  const value = await build(legend)
  return toolResult(legend.size > 0 ? { ...value, principals: legend.toJSON() } : value)
}

/** A refusal: `isError` with `{"error":{code,status,message,details}}` as the text, the same shape as every result. */
export function toolError(err: unknown): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: toErrorPayload(err) }) }] }
}

/** Runs a tool body, turning any refusal into an `isError` result instead of a protocol error. */
export async function runTool(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body()
  } catch (err) {
    return toolError(err)
  }
}

function toErrorPayload(err: unknown): ToolErrorPayload {
  if (isDockApiError(err)) {
    return {
      code: err.code,
      status: err.status,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
    }
  }
  if (isMergeConflictError(err)) {
    return {
      code: err.code,
      status: null,
      message: err.message,
      details: { conflicts: err.conflicts, current: { body: err.current, version: err.currentVersion } },
    }
  }
  // Network failures and bugs: say what broke, but keep the shape.
  return { code: 'internal', status: null, message: err instanceof Error ? err.message : String(err) }
}
