import type { Command } from 'commander'

import { collectList } from '../parse.js'

/** Adds the event filters `watch` and `log` share. */
export function addEventFilterOptions(command: Command): Command {
  return command
    .option('--table <list>', 'only events of these tables', collectList)
    .option('--status <list>', 'only row events leaving the row in these statuses', collectList)
    .option('--doc <list>', 'only events of these docs', collectList)
    .option('--actor <list>', 'only events by these principals', collectList)
    .option('--type <list>', 'only these event types (row.claimed, doc.*, …)', collectList)
    .option('--row <list>', "only events of these rows (a row's own timeline)", collectList)
}
