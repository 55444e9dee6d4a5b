import { useEffect, useRef } from 'react'
import type { Row, Table } from '../../domain/types.js'
import { listAllRows } from '../lib/dock.js'
import { reviewMoves, reviewTransitions } from '../lib/workflow.js'
import { useResource, type Resource } from './useResource.js'
import { useFeed, useWorkspace } from './useWorkspace.js'

export interface InboxItem {
  readonly table: Table
  readonly row: Row
  readonly approve: string | null
  readonly sendBack: string | null
}

/**
 * Rows waiting for the signed-in principal's approval: in a status a review
 * gate (`not:author`) leads out of, by a transition its roles grant, and not
 * its own work. Re-read (debounced) when a row of those tables moves.
 */
export function useInbox(): Resource<InboxItem[]> {
  const { api, me } = useWorkspace()
  const inbox = useResource(
    async (signal) => {
      const out: InboxItem[] = []
      for (const table of await api.listTables({ signal })) {
        const statuses = [...new Set(reviewTransitions(table, me).map((t) => t.from))]
        if (statuses.length === 0) continue
        for (const row of await listAllRows(api, table.name, { status: statuses }, signal)) {
          if (row.author === me.id) continue
          out.push({ table, row, ...reviewMoves(table, me, row.status) })
        }
      }
      return out.sort((a, b) => Date.parse(a.row.updatedAt) - Date.parse(b.row.updatedAt))
    },
    [api, me],
  )
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const reload = inbox.reload
  useFeed((e) => {
    if (
      e.type === 'table.created' ||
      e.type === 'table.schema_published' ||
      (e.type.startsWith('row.') && e.type !== 'row.heartbeat' && e.type !== 'row.note_added')
    ) {
      if (timer.current) return
      timer.current = setTimeout(() => {
        timer.current = null
        reload()
      }, 300)
    }
  })
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    [],
  )
  return inbox
}
