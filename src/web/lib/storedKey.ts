/** The signed-in principal's key lives in localStorage so a reload keeps the session. */
const STORAGE_KEY = 'dock.key'

export function loadKey(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

export function saveKey(key: string | null): void {
  try {
    if (key) localStorage.setItem(STORAGE_KEY, key)
    else localStorage.removeItem(STORAGE_KEY)
  } catch {
    /* private mode: the session lasts until reload */
  }
}
