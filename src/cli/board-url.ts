/**
 * The web UI's address for a key. The key travels in the fragment, which
 * browsers never send to the server or put in Referer headers.
 */
export function boardUrl(serverUrl: string, key: string | null): string {
  const root = `${serverUrl.replace(/\/+$/, '')}/`
  return key === null ? root : `${root}#token=${encodeURIComponent(key)}`
}
