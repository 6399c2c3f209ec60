// The browser side of the portal's and the instance's JSON APIs, shared by both Next UIs (they
// compile it from source: `transpilePackages` in each ui/next.config.mjs). One file, no imports:
// the bundlers read it as it is.

/** The error body both apps answer with (one exception filter per app; docs/contracts.md). */
export interface ApiError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A non-2xx answer, with its status and the app's stable error code. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

// The CSRF token of the current session, taken from the last answer that carried one; every
// state-changing request sends it back in `x-csrf-token`.
let csrfToken: string | undefined;

/**
 * A same-origin JSON request: GET without a body, POST with one (and the CSRF token). Throws an
 * {@link ApiFailure} for any non-2xx answer; a body that is not JSON reads as `{}`.
 */
export async function api<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (body !== undefined && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok)
    throw new ApiFailure(
      res.status,
      (data.error as ApiError) ?? { code: 'ERR_HTTP', message: `HTTP ${res.status}` },
    );
  if (typeof data.csrfToken === 'string') csrfToken = data.csrfToken;
  return data as T;
}

/** Forgets the CSRF token (after signing out). */
export function forgetCsrfToken(): void {
  csrfToken = undefined;
}
