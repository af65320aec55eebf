/**
 * The HTTP client of the `tthc` commands that go through the API (so that authorization is the
 * API's): one request, JSON in and out, and every failure turned into an `ApiError` carrying the
 * exit code scripts rely on (see `apiExitCodes`).
 */

/** Exit codes of the commands that call the API. */
export const apiExitCodes = {
  ok: 0,
  /** Anything else: the API unreachable or unavailable (503), an unexpected answer. */
  failure: 1,
  /** Bad usage or input the API refused (400). */
  usage: 2,
  /** No such dossier or form (404), or its personal data was erased (410). */
  notFound: 3,
  /** Not authenticated (401) or not allowed (403). */
  forbidden: 4,
  /** The rules do not allow the action now (409). */
  illegal: 5,
} as const;

/** How the exit codes read in `--help`. */
export const exitCodesHelp = `Exit codes:
  0  ok
  1  other failure: the API is unreachable or unavailable (503), an unexpected answer
  2  usage error, or input the API refused (400; every issue is listed)
  3  not found (404): no such dossier or form; or its personal data was erased (410)
  4  not authenticated or not allowed (401, 403)
  5  the action is not allowed now (409), with the reason and its code`;

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

export interface ApiConnection {
  /** Base URL, e.g. http://127.0.0.1:3000 */
  api: string;
  /** Access token of the official (tthc login, TTHC_TOKEN). */
  token?: string;
  /** Milliseconds before a request is given up (default 60 s). */
  timeoutMs?: number;
}

/** The API's error body. */
export interface ApiErrorBody {
  error?: string;
  code?: string;
  issues?: string[];
}

/** A failed call: `exitCode` is what the command exits with; the message is one line. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly status?: number,
    readonly body?: ApiErrorBody,
  ) {
    super(message);
  }
}

export function exitCodeOfStatus(status: number): number {
  if (status === 400 || status === 422) return apiExitCodes.usage;
  if (status === 404 || status === 410) return apiExitCodes.notFound;
  if (status === 401 || status === 403) return apiExitCodes.forbidden;
  if (status === 409) return apiExitCodes.illegal;
  return apiExitCodes.failure;
}

/** The one-line message of an error answer: the API's reason, its code, and for 400 every issue. */
export function describeFailure(status: number, body: ApiErrorBody | undefined, connection: ApiConnection) {
  const reason = oneLine(body?.error ?? `HTTP ${status}`);
  const issues = body?.issues?.length ? `: ${body.issues.map(oneLine).join('; ')}` : '';
  const code = body?.code ? ` ${body.code}` : '';
  let hint = '';
  if (status === 401) {
    hint = connection.token
      ? '; sign in again with `tthc login`'
      : '; sign in with `tthc login`, or pass --token <jwt> or set TTHC_TOKEN';
  }
  return `${reason}${issues} (HTTP ${status}${code})${hint}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ').trim();
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
}

/** One call to the API; resolves with the parsed JSON body of a 2xx answer, else throws ApiError. */
export async function apiRequest<T>(
  connection: ApiConnection,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: RequestOptions = {},
): Promise<{ status: number; body: T }> {
  const url = buildUrl(connection.api, path, options.query);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (connection.token) headers.authorization = `Bearer ${connection.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(connection.timeoutMs ?? 60_000),
    });
  } catch (error) {
    throw new ApiError(
      `cannot reach the API at ${connection.api} (${causeOf(error)}); is it running (npm start)? ` +
        'Set --api <url> or TTHC_API_URL',
      apiExitCodes.failure,
    );
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (response.ok) {
    if (parsed === undefined) {
      throw new ApiError(
        `the API at ${connection.api} answered ${method} ${path} with something other than JSON (HTTP ${response.status})`,
        apiExitCodes.failure,
        response.status,
      );
    }
    return { status: response.status, body: parsed as T };
  }
  const body = isErrorBody(parsed) ? parsed : undefined;
  throw new ApiError(
    describeFailure(response.status, body, connection),
    exitCodeOfStatus(response.status),
    response.status,
    body,
  );
}

function buildUrl(api: string, path: string, query: Record<string, string | undefined> = {}): string {
  // An API mounted under a prefix (https://host/tthc) keeps it.
  const url = new URL(`${api.replace(/\/+$/, '')}${path}`);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.toString();
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ApiErrorBody).error === 'string';
}

function causeOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return oneLine(cause.message);
  return error instanceof Error ? oneLine(error.message) : String(error);
}

/** Checks an --api value (or TTHC_API_URL, named by `source`): an http(s) URL. */
export function checkApiUrl(text: string, source = '--api'): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`${source} "${text}" must be an http(s) URL, e.g. ${DEFAULT_API_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`${source} "${text}" must be an http(s) URL, e.g. ${DEFAULT_API_URL}`);
  }
  return text;
}
