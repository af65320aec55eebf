/**
 * An emulator of the national portal's integration API (portal-api.ts), the default target of
 * `npm start` and of the tests. It is an outside system: it holds what the portal would hold (the
 * applicant's name among it), in memory only, and shares nothing with the adapter but the API.
 *
 * Faithful where it matters to the sync: a login returns a session that expires; every field of
 * every record and progress step is checked, and a refusal names the field in the portal's style
 * (`error_code`, `message`, a `result` per item); a record is created once (`isUpdating: "False"`)
 * and updated after; the same version again is acknowledged as a duplicate and changes nothing; a
 * version older than the one held is refused and counted (`outOfOrder`, which the sync must keep 0).
 *
 * Faults for tests (`addFault`, or `POST /admin/faults`): refusals (of one dossier or all), 5xx
 * answers, time-outs (the request is never answered), slow answers, expired sessions.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { formatPath } from '../domain/validation.js';
import {
  type PortalItemResult,
  type PortalProgress,
  type PortalRecord,
  portalErrorCodes,
  portalLoginRequestSchema,
  portalProgressSchema,
  portalRecordSchema,
  portalServiceRequestSchema,
} from './portal-api.js';

export const portalEmulatorPaths = { login: '/api/login', service: '/api/service' } as const;

export interface PortalAccount {
  username: string;
  password: string;
  /** The unit code the account sends for (`madonvi`). */
  madonvi: string;
}

export const defaultPortalAccount: PortalAccount = {
  username: 'tthc-flow',
  password: 'tthc-flow-dev',
  madonvi: '000.00.00.H99',
};

export interface PortalEmulatorOptions {
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  accounts?: PortalAccount[];
  /** How long a session stays valid (default 30 min). */
  sessionTtlMs?: number;
  /** How long a time-out fault holds a request before it gives up on it (default 120 s). */
  holdMs?: number;
  clock?: () => number;
}

const portalServices = ['login', 'DongBoHoSoMC', 'CapNhatTienDoHoSoMC'] as const;
type PortalServiceName = (typeof portalServices)[number];

export const portalFaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** Records (and progress) of this dossier, or of every dossier, are refused as invalid. */
    kind: z.literal('refuse'),
    dossier: z.string().optional(),
    message: z.string().optional(),
    times: z.number().int().positive().optional(),
    untilMs: z.number().optional(),
  }),
  z.strictObject({
    /** The portal answers with an HTTP error (an outage, a gateway in front of it). */
    kind: z.literal('unavailable'),
    status: z.number().int().min(500).max(599).default(503),
    services: z.array(z.enum(portalServices)).optional(),
    times: z.number().int().positive().optional(),
    untilMs: z.number().optional(),
  }),
  z.strictObject({
    /** The request is never answered (the client's time-out decides). */
    kind: z.literal('timeout'),
    services: z.array(z.enum(portalServices)).optional(),
    times: z.number().int().positive().optional(),
    untilMs: z.number().optional(),
  }),
  z.strictObject({
    /** Answers come late. */
    kind: z.literal('slow'),
    delayMs: z.number().int().min(0),
    services: z.array(z.enum(portalServices)).optional(),
    times: z.number().int().positive().optional(),
    untilMs: z.number().optional(),
  }),
]);
export type PortalFault = z.input<typeof portalFaultSchema>;
type ActiveFault = z.output<typeof portalFaultSchema>;

export interface EmulatedDossier {
  /** The latest record held. */
  record: PortalRecord;
  /** The versions (PhienBan) of the record, in the order the portal took them. */
  versions: number[];
  /** Progress steps, in the order the portal took them. */
  progress: PortalProgress[];
}

export interface PortalEmulatorStats {
  requests: Record<PortalServiceName, number>;
  recordsAccepted: number;
  recordDuplicates: number;
  progressAccepted: number;
  progressDuplicates: number;
  refusals: number;
  /** Versions older than the one held (an older state sent after a newer one): must stay 0. */
  outOfOrder: number;
  faultsInjected: number;
  sessionsIssued: number;
}

export class PortalEmulator {
  private readonly dossiers = new Map<string, EmulatedDossier & { progressSeen: Set<number> }>();
  private readonly sessions = new Map<string, { account: PortalAccount; expiresAt: number }>();
  private faults: ActiveFault[] = [];
  private readonly held = new Set<ServerResponse>();
  private readonly counts: PortalEmulatorStats = {
    requests: { login: 0, DongBoHoSoMC: 0, CapNhatTienDoHoSoMC: 0 },
    recordsAccepted: 0,
    recordDuplicates: 0,
    progressAccepted: 0,
    progressDuplicates: 0,
    refusals: 0,
    outOfOrder: 0,
    faultsInjected: 0,
    sessionsIssued: 0,
  };

  private constructor(
    private readonly server: Server,
    private readonly options: Required<Omit<PortalEmulatorOptions, 'port' | 'host'>>,
    readonly url: string,
  ) {}

  static async start(options: PortalEmulatorOptions = {}): Promise<PortalEmulator> {
    const settings = {
      accounts: options.accounts ?? [defaultPortalAccount],
      sessionTtlMs: options.sessionTtlMs ?? 30 * 60_000,
      holdMs: options.holdMs ?? 120_000,
      clock: options.clock ?? Date.now,
    };
    let emulator: PortalEmulator | undefined;
    const server = createServer((request, response) => {
      void emulator?.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, { error_code: '99', message: String(error) });
      });
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    emulator = new PortalEmulator(server, settings, `http://${host}:${port}`);
    return emulator;
  }

  // -------------------------------------------------------------------------------------------
  // What tests and the admin API see and set.

  addFault(fault: PortalFault): void {
    this.faults.push(portalFaultSchema.parse(fault));
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Every session ends now: the next request with one is refused as expired. */
  expireSessions(): void {
    this.sessions.clear();
  }

  dossier(code: string): EmulatedDossier | undefined {
    const held = this.dossiers.get(code);
    if (!held) return undefined;
    return { record: held.record, versions: [...held.versions], progress: [...held.progress] };
  }

  dossierCodes(): string[] {
    return [...this.dossiers.keys()];
  }

  stats(): PortalEmulatorStats {
    return structuredClone(this.counts);
  }

  async stop(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.held.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // -------------------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] as string;
    if (path.startsWith('/admin/')) return this.admin(request, response, path);
    if (request.method !== 'POST')
      return send(response, 405, { error_code: '99', message: 'Chỉ hỗ trợ POST' });
    const body = await readJson(request);
    if (path === portalEmulatorPaths.login) {
      this.counts.requests.login++;
      if (await this.faulted('login', response)) return;
      return send(response, 200, this.login(body));
    }
    if (path === portalEmulatorPaths.service) {
      const service = serviceOf(body);
      if (service) this.counts.requests[service]++;
      if (service && (await this.faulted(service, response))) return;
      return send(response, 200, this.service(body));
    }
    send(response, 404, { error_code: '99', message: `Không có dịch vụ ${path}` });
  }

  private login(body: unknown): Record<string, unknown> {
    const parsed = portalLoginRequestSchema.safeParse(body);
    if (!parsed.success) return refusal(portalErrorCodes.invalidData, describe(parsed.error));
    const account = this.options.accounts.find(
      (a) => a.username === parsed.data.username && a.password === parsed.data.password,
    );
    if (!account) return refusal(portalErrorCodes.loginFailed, 'Sai tên đăng nhập hoặc mật khẩu');
    const session = randomBytes(24).toString('base64url');
    this.sessions.set(session, { account, expiresAt: this.options.clock() + this.options.sessionTtlMs });
    this.counts.sessionsIssued++;
    return {
      error_code: portalErrorCodes.ok,
      message: 'Đăng nhập thành công',
      session,
      expires_in: Math.floor(this.options.sessionTtlMs / 1000),
    };
  }

  private service(body: unknown): Record<string, unknown> {
    const parsed = portalServiceRequestSchema.safeParse(body);
    if (!parsed.success) return refusal(portalErrorCodes.invalidData, describe(parsed.error));
    const request = parsed.data;
    const session = this.sessions.get(request.session);
    if (!session || session.expiresAt <= this.options.clock()) {
      this.sessions.delete(request.session);
      return refusal(portalErrorCodes.sessionExpired, 'Phiên làm việc không hợp lệ hoặc đã hết hạn');
    }
    if (session.account.madonvi !== request.madonvi) {
      return refusal(
        portalErrorCodes.loginFailed,
        `Tài khoản không được đồng bộ cho đơn vị ${request.madonvi}`,
      );
    }
    const results =
      request.service === 'DongBoHoSoMC'
        ? request.data.map((item) => this.syncRecord(item, request.isUpdating === 'True'))
        : request.data.map((item) => this.addProgress(item));
    const failed = results.filter((r) => r.error_code !== portalErrorCodes.ok);
    this.counts.refusals += failed.length;
    return {
      error_code: failed[0]?.error_code ?? portalErrorCodes.ok,
      message: failed.length === 0 ? 'Thành công' : `Có ${failed.length}/${results.length} mục không hợp lệ`,
      result: results,
    };
  }

  private syncRecord(item: unknown, isUpdating: boolean): PortalItemResult {
    const ids = identify(item);
    const parsed = portalRecordSchema.safeParse(item);
    if (!parsed.success)
      return { ...ids, error_code: portalErrorCodes.invalidData, message: describe(parsed.error) };
    const record = parsed.data;
    const refused = this.refusalFor(record.MaHoSo);
    if (refused) return { ...ids, error_code: portalErrorCodes.invalidData, message: refused };
    const held = this.dossiers.get(record.MaHoSo);
    if (held && held.record.PhienBan === record.PhienBan) {
      this.counts.recordDuplicates++;
      return { ...ids, error_code: portalErrorCodes.ok, message: 'Đã có phiên bản này', duplicate: true };
    }
    if (!isUpdating) {
      if (held)
        return {
          ...ids,
          error_code: portalErrorCodes.alreadyExists,
          message: `Hồ sơ ${record.MaHoSo} đã tồn tại trên Cổng; gửi với isUpdating = True`,
        };
      this.dossiers.set(record.MaHoSo, {
        record,
        versions: [record.PhienBan],
        progress: [],
        progressSeen: new Set(),
      });
      this.counts.recordsAccepted++;
      return { ...ids, error_code: portalErrorCodes.ok, message: 'Đã tạo hồ sơ' };
    }
    if (!held)
      return {
        ...ids,
        error_code: portalErrorCodes.notFound,
        message: `Không tìm thấy hồ sơ ${record.MaHoSo} để cập nhật; gửi với isUpdating = False`,
      };
    if (record.PhienBan < held.record.PhienBan) {
      this.counts.outOfOrder++;
      return {
        ...ids,
        error_code: portalErrorCodes.olderVersion,
        message: `Phiên bản ${record.PhienBan} cũ hơn phiên bản ${held.record.PhienBan} đã đồng bộ`,
      };
    }
    held.record = record;
    held.versions.push(record.PhienBan);
    this.counts.recordsAccepted++;
    return { ...ids, error_code: portalErrorCodes.ok, message: 'Đã cập nhật hồ sơ' };
  }

  private addProgress(item: unknown): PortalItemResult {
    const ids = identify(item);
    const parsed = portalProgressSchema.safeParse(item);
    if (!parsed.success)
      return { ...ids, error_code: portalErrorCodes.invalidData, message: describe(parsed.error) };
    const step = parsed.data;
    const refused = this.refusalFor(step.MaHoSo);
    if (refused) return { ...ids, error_code: portalErrorCodes.invalidData, message: refused };
    const held = this.dossiers.get(step.MaHoSo);
    if (!held)
      return {
        ...ids,
        error_code: portalErrorCodes.notFound,
        message: `Không tìm thấy hồ sơ ${step.MaHoSo}; đồng bộ hồ sơ (DongBoHoSoMC) trước`,
      };
    if (held.progressSeen.has(step.PhienBan)) {
      this.counts.progressDuplicates++;
      return { ...ids, error_code: portalErrorCodes.ok, message: 'Đã có tiến độ này', duplicate: true };
    }
    const last = held.progress.at(-1);
    if (last && step.PhienBan < last.PhienBan) {
      this.counts.outOfOrder++;
      return {
        ...ids,
        error_code: portalErrorCodes.olderVersion,
        message: `Tiến độ ${step.PhienBan} cũ hơn tiến độ ${last.PhienBan} đã nhận`,
      };
    }
    held.progress.push(step);
    held.progressSeen.add(step.PhienBan);
    this.counts.progressAccepted++;
    return { ...ids, error_code: portalErrorCodes.ok, message: 'Đã cập nhật tiến độ' };
  }

  private refusalFor(code: string): string | undefined {
    const fault = this.take((f) => f.kind === 'refuse' && (f.dossier === undefined || f.dossier === code));
    if (fault?.kind !== 'refuse') return undefined;
    return fault.message ?? `Hồ sơ ${code} không đạt kiểm tra dữ liệu của Cổng (lỗi giả lập)`;
  }

  /** Applies a transport fault for `service` if one is active: true when the request is dealt with. */
  private async faulted(service: PortalServiceName, response: ServerResponse): Promise<boolean> {
    const fault = this.take(
      (f) => f.kind !== 'refuse' && (f.services === undefined || f.services.includes(service)),
    );
    if (!fault) return false;
    switch (fault.kind) {
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        return false;
      case 'unavailable':
        response.writeHead(fault.status, { 'content-type': 'text/html; charset=utf-8' });
        response.end(`<html><body><h1>${fault.status} Service Unavailable</h1></body></html>`);
        return true;
      case 'timeout': {
        this.held.add(response);
        const timer = setTimeout(() => {
          this.held.delete(response);
          if (!response.writableEnded) response.destroy();
        }, this.options.holdMs);
        response.once('close', () => {
          clearTimeout(timer);
          this.held.delete(response);
        });
        return true;
      }
      default:
        return false;
    }
  }

  /** The first active fault that matches, its remaining count taken down; expired ones are dropped. */
  private take(matches: (fault: ActiveFault) => boolean): ActiveFault | undefined {
    const now = this.options.clock();
    this.faults = this.faults.filter((f) => f.untilMs === undefined || f.untilMs > now);
    const fault = this.faults.find(matches);
    if (!fault) return undefined;
    this.counts.faultsInjected++;
    if (fault.times !== undefined) {
      fault.times--;
      if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    }
    return fault;
  }

  // -------------------------------------------------------------------------------------------
  // The admin API: what the portal holds, its counters, faults. Loopback only by default.

  private async admin(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const route = `${request.method} ${path}`;
    if (route === 'GET /admin/stats') return send(response, 200, this.stats());
    if (route === 'GET /admin/dossiers')
      return send(
        response,
        200,
        [...this.dossiers.values()].map((d) => ({
          MaHoSo: d.record.MaHoSo,
          PhienBan: d.record.PhienBan,
          TrangThaiHoSo: d.record.TrangThaiHoSo,
          progress: d.progress.length,
        })),
      );
    const one = /^GET \/admin\/dossiers\/([^/]+)$/.exec(route);
    if (one) {
      const dossier = this.dossier(decodeURIComponent(one[1] as string));
      return dossier ? send(response, 200, dossier) : send(response, 404, { message: 'không có hồ sơ này' });
    }
    if (route === 'POST /admin/faults') {
      const parsed = portalFaultSchema.safeParse(await readJson(request));
      if (!parsed.success) return send(response, 400, { message: describe(parsed.error) });
      this.faults.push(parsed.data);
      return send(response, 201, { faults: this.faults.length });
    }
    if (route === 'DELETE /admin/faults') {
      this.clearFaults();
      return send(response, 200, { faults: 0 });
    }
    if (route === 'POST /admin/sessions/expire') {
      this.expireSessions();
      return send(response, 200, { sessions: 0 });
    }
    send(response, 404, { message: `no admin route ${route}` });
  }
}

function serviceOf(body: unknown): 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC' | undefined {
  const service = (body as { service?: unknown } | undefined)?.service;
  return service === 'DongBoHoSoMC' || service === 'CapNhatTienDoHoSoMC' ? service : undefined;
}

function identify(item: unknown): { MaHoSo: string; PhienBan?: number } {
  const { MaHoSo, PhienBan } = (item ?? {}) as { MaHoSo?: unknown; PhienBan?: unknown };
  return {
    MaHoSo: typeof MaHoSo === 'string' ? MaHoSo : '',
    ...(typeof PhienBan === 'number' ? { PhienBan } : {}),
  };
}

function refusal(code: string, message: string): Record<string, unknown> {
  return { error_code: code, message };
}

/** The portal's refusal text: one `<field>: <rule>` per problem, in Vietnamese. */
function describe(error: z.ZodError): string {
  return error.issues
    .flatMap((issue) => {
      const path = formatPath(issue.path);
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) => `${formatPath([...issue.path, key])}: trường không có trong đặc tả`);
      if (issue.code === 'invalid_type' && issue.input === undefined)
        return [`${path}: thiếu trường bắt buộc`];
      if (/^(Invalid|Too)/.test(issue.message)) return [`${path}: không hợp lệ`];
      return [`${path}: ${issue.message}`];
    })
    .join('; ');
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 20 * 2 ** 20) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
