// The one way the app talks to the server: JSON over fetch, the session
// cookie (sent by the browser) plus the CSRF token on unsafe requests, and
// the API's error body turned into an ApiError that names the field.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  /** Machine-readable details, e.g. a blocked stage move's missing_fields (issue 5). */
  readonly details: Record<string, string[]> | null;
  constructor(status: number, code: string, message: string, field: string | null, details: Record<string, string[]> | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

export type QueryParams = Array<[string, string | number | undefined | null]>;

let csrfToken = '';
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token ?? '';
}
/** The session's CSRF token, for requests made outside `request` (the import wizard's upload with progress). */
export function getCsrfToken(): string {
  return csrfToken;
}

type SessionListener = (event: 'signed_out' | 'must_change_password') => void;
const listeners = new Set<SessionListener>();
/** Told when a request finds the session gone (401) or blocked on a password change. */
export function onSessionEvent(fn: SessionListener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function buildQuery(params?: QueryParams): string {
  if (!params || params.length === 0) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of params) if (v !== undefined && v !== null && v !== '') sp.append(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export interface RequestOptions {
  query?: QueryParams;
  body?: unknown;
  ifMatch?: number;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${buildQuery(opts.query)}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.', null);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; field?: string | null; details?: Record<string, string[]> } } | null)?.error;
    const apiErr = new ApiError(
      res.status,
      err?.code ?? 'http_' + res.status,
      err?.message ?? `The server answered ${res.status} ${res.statusText}`,
      err?.field ?? null,
      err?.details && typeof err.details === 'object' ? err.details : null,
    );
    const isAuthCall = path.startsWith('/auth/login') || path.startsWith('/auth/me') || path.startsWith('/auth/password');
    if (res.status === 401 && !isAuthCall) listeners.forEach((l) => l('signed_out'));
    if (res.status === 403 && /new password first/.test(apiErr.message)) listeners.forEach((l) => l('must_change_password'));
    throw apiErr;
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: QueryParams, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown, ifMatch?: number) => request<T>('PATCH', path, { body, ifMatch }),
  del: <T>(path: string, ifMatch?: number) => request<T>('DELETE', path, { ifMatch }),
};

/** An API message shown next to its field: "email: is not valid" -> "is not valid". */
export function fieldMessage(message: string, field: string | null | undefined): string {
  if (field && message.startsWith(`${field}: `)) {
    const rest = message.slice(field.length + 2);
    return rest.charAt(0).toUpperCase() + rest.slice(1);
  }
  return message;
}

/** The user-facing text of any error. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Any thrown value as an ApiError (status 0, code "client" when it did not come from the server). */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, 'client', errorMessage(e), null);
}

export function isApiError(e: unknown, status?: number): e is ApiError {
  return e instanceof ApiError && (status === undefined || e.status === status);
}
