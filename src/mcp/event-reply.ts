import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { DockEvent } from '../domain/types.js'
import { namedResult, toolResult, type ToolContext } from './tool-result.js'
import { fullEvent, shortenTimes, summarizeEvent } from './views.js'

/** A page of events as a tool reply: summaries by default, the logged records with `detail: "full"`. */
export async function eventsReply(
  ctx: ToolContext,
  events: readonly DockEvent[],
  detail: 'summary' | 'full' | undefined,
  extra: Record<string, unknown>,
): Promise<CallToolResult> {
  if (detail === 'full') return toolResult({ events: events.map(fullEvent), ...extra })
  return namedResult(ctx, async (legend) => {
    const out = []
    for (const e of events) out.push(await summarizeEvent(e, legend, ctx.book))
    return { events: shortenTimes(out), ...extra }
  })
}
