/**
 * The adapter to the national portal's integration API (portal-api.ts) over HTTP: the emulator in
 * `npm start` and the tests, the real portal by configuration (TTHC_PORTAL_URL and the account).
 *
 * It logs in for a session and keeps it: a session the portal says has expired is renewed and the
 * request sent again, and a session is renewed before the lifetime the login gave runs out. What
 * comes back per record is returned as is (accepted, duplicate, or refused with the portal's code
 * and message): the sync service decides. Anything else (no answer in time, an HTTP error, an
 * answer that is not the API's, a login or request the portal refuses as a whole) is
 * `PortalUnavailableError`: nothing was decided about any record, and the same request may be
 * sent again.
 */
import {
  type PortalItemResult,
  type PortalProgress,
  type PortalRecord,
  portalErrorCodes,
  portalLoginResponseSchema,
  portalResponseSchema,
} from './portal-api.js';

export interface PortalClientOptions {
  /** The portal's integration address (adapter_url), e.g. https://dichvucong.gov.vn/… or the emulator. */
  url: string;
  authPath?: string;
  servicePath?: string;
  username: string;
  password: string;
  /** The unit the account syncs for (madonvi). */
  unitCode: string;
  /** Each request's time limit (default 10 s). */
  timeoutMs?: number;
  clock?: () => number;
}

/** The portal did not answer usefully; nothing was decided, the request can be sent again. */
export class PortalUnavailableError extends Error {
  override name = 'PortalUnavailableError';
  constructor(
    message: string,
    /** What kind of trouble, for metrics and logs. */
    readonly reason: 'timeout' | 'network' | 'http' | 'invalid-answer' | 'login' | 'refused-request',
  ) {
    super(message);
  }
}

export class PortalClient {
  private session?: { id: string; renewAt: number };
  private login?: Promise<string>;
  readonly requests = { login: 0, service: 0, sessionRenewals: 0 };

  constructor(private readonly options: PortalClientOptions) {}

  /** DongBoHoSoMC: creates (`isUpdating` false) or updates records; one result per record, in order. */
  syncRecords(records: readonly PortalRecord[], isUpdating: boolean): Promise<PortalItemResult[]> {
    return this.call(
      { service: 'DongBoHoSoMC', isUpdating: isUpdating ? 'True' : 'False', data: records },
      records,
    );
  }

  /** CapNhatTienDoHoSoMC: progress steps; one result per step, in order. */
  sendProgress(steps: readonly PortalProgress[]): Promise<PortalItemResult[]> {
    return this.call({ service: 'CapNhatTienDoHoSoMC', data: steps }, steps);
  }

  private async call(
    body: Record<string, unknown>,
    items: ReadonlyArray<{ MaHoSo: string; PhienBan: number }>,
  ): Promise<PortalItemResult[]> {
    this.requests.service++;
    for (let attempt = 1; ; attempt++) {
      const session = await this.sessionId();
      const answer = portalResponseSchema.safeParse(
        await this.post(this.options.servicePath ?? '/api/service', {
          session,
          madonvi: this.options.unitCode,
          ...body,
        }),
      );
      if (!answer.success)
        throw new PortalUnavailableError('the portal’s answer is not its API’s', 'invalid-answer');
      const { error_code, message, result } = answer.data;
      if (error_code === portalErrorCodes.sessionExpired) {
        this.session = undefined;
        if (attempt >= 2)
          throw new PortalUnavailableError(`the portal refused a new session: ${message}`, 'login');
        this.requests.sessionRenewals++;
        continue;
      }
      if (!result) {
        if (error_code === portalErrorCodes.ok)
          throw new PortalUnavailableError('the portal answered without a result per item', 'invalid-answer');
        throw new PortalUnavailableError(
          `the portal refused the request as a whole (${error_code}): ${message}`,
          'refused-request',
        );
      }
      return items.map((item, i) => {
        const found =
          result.find((r) => r.MaHoSo === item.MaHoSo && r.PhienBan === item.PhienBan) ?? result[i];
        if (!found)
          throw new PortalUnavailableError(
            `the portal’s answer has no result for ${item.MaHoSo} version ${item.PhienBan}`,
            'invalid-answer',
          );
        return found;
      });
    }
  }

  private async sessionId(): Promise<string> {
    const now = (this.options.clock ?? Date.now)();
    if (this.session && this.session.renewAt > now) return this.session.id;
    this.login ??= this.logIn().finally(() => {
      this.login = undefined;
    });
    return this.login;
  }

  private async logIn(): Promise<string> {
    this.requests.login++;
    const answer = portalLoginResponseSchema.safeParse(
      await this.post(this.options.authPath ?? '/api/login', {
        username: this.options.username,
        password: this.options.password,
      }),
    );
    if (!answer.success)
      throw new PortalUnavailableError('the portal’s login answer is not its API’s', 'invalid-answer');
    const { error_code, message, session, expires_in } = answer.data;
    if (error_code !== portalErrorCodes.ok || !session)
      throw new PortalUnavailableError(`the portal refused the login (${error_code}): ${message}`, 'login');
    const lifetimeMs = (expires_in ?? 600) * 1000;
    this.session = { id: session, renewAt: (this.options.clock ?? Date.now)() + lifetimeMs * 0.9 };
    return session;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const url = `${this.options.url.replace(/\/$/, '')}${path}`;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new PortalUnavailableError(
        timedOut
          ? `the portal did not answer within ${timeoutMs} ms`
          : `cannot reach the portal: ${causeOf(error)}`,
        timedOut ? 'timeout' : 'network',
      );
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new PortalUnavailableError(`the portal answered HTTP ${response.status}`, 'http');
    try {
      return JSON.parse(text);
    } catch {
      throw new PortalUnavailableError('the portal’s answer is not JSON', 'invalid-answer');
    }
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(error);
}
