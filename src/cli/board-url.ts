/**
 * The web UI's address, optionally at a table's board. The UI asks for a key
 * on its sign-in screen (it does not take one from the URL), so callers print
 * the key next to this.
 */
export function boardUrl(serverUrl: string, table?: string): string {
  const root = `${serverUrl.replace(/\/+$/, '')}/`
  return table === undefined ? root : `${root}#/board/${encodeURIComponent(table)}`
}
