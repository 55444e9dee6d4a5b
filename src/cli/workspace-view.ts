import type { Workspace } from '../domain/types.js'

export function describeFreeze(w: Workspace): string {
  return `workspace ${w.name} is ${w.frozen ? 'frozen: writes are refused' : 'open for writes'} (revision ${w.revision})\n`
}
