/** Thin fetch wrapper for the Dock HTTP API: bearer auth, JSON in and out, problem+json errors. */

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: unknown

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }
}

export interface RequestOptions {
  readonly method?: string
  readonly body?: unknown
  readonly query?: Record<string, string | number | boolean | undefined | null>
  readonly signal?: AbortSignal
}

export function buildQuery(query: RequestOptions['query']): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.set(k, String(v))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

export async function apiRequest<T>(key: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${key}`, Accept: 'application/json' }
  let body: string | undefined
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  const init: RequestInit = { method: options.method ?? 'GET', headers }
  if (body !== undefined) init.body = body
  if (options.signal) init.signal = options.signal
  const res = await fetch(`/v1${path}${buildQuery(options.query)}`, init)
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let json: unknown = undefined
  if (text) {
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
  }
  if (!res.ok) {
    const problem = (json ?? {}) as { code?: string; detail?: string; title?: string; details?: unknown }
    throw new ApiError(res.status, problem.code ?? 'http_error', problem.detail ?? problem.title ?? `HTTP ${res.status}`, problem.details)
  }
  return json as T
}

export function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`
  if (err instanceof Error) return err.message
  return String(err)
}

/** Path segment helper: encodes one id or name. */
export const seg = (s: string): string => encodeURIComponent(s)
