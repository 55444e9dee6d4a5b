import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { isDockApiError } from '../client/dock-api-error.js'
import { isMergeConflictError } from '../client/merge-conflict-error.js'
import type { DockEvent } from '../domain/types.js'

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

/** A successful tool result: JSON text for the model, the same object as structured content. */
export function toolResult(value: unknown, note?: string): CallToolResult {
  const structured = isPlainObject(value) ? value : { result: value }
  const json = JSON.stringify(value, null, 2)
  return {
    content: [{ type: 'text', text: note ? `${note}\n${json}` : json }],
    structuredContent: structured,
  }
}

export function toolError(err: unknown): CallToolResult {
  const error = toErrorPayload(err)
  const lines = [`Error ${error.code}${error.status ? ` (${error.status})` : ''}: ${error.message}`]
  if (error.details !== undefined) lines.push(JSON.stringify(error.details, null, 2))
  return {
    isError: true,
    content: [{ type: 'text', text: lines.join('\n') }],
    structuredContent: { error },
  }
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
    return { code: err.code, status: err.status, message: err.message, ...(err.details ? { details: err.details } : {}) }
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

/** Events as a model reads them: the chain fields (hashes, signature) are noise here. */
export function compactEvent(event: DockEvent): Record<string, unknown> {
  const { revision, ts, actor, type, target, before, after, requestId } = event
  return { revision, ts, actor, type, target, before, after, ...(requestId ? { requestId } : {}) }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
