/**
 * An emulator of an SMS brandname gateway (sms-gateway.ts), for `npm start` and the tests. An outside
 * system: it keeps the messages it "sent" (the applicants' phone numbers among them) in memory only.
 * Strict about every field and the API key; the same idempotency key again returns the first answer
 * and sends nothing (counted as a duplicate). Faults for tests: numbers not in service (422, never
 * taken), outages (5xx), time-outs, slow answers.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { formatPath } from '../domain/validation.js';
import { smsSendRequestSchema } from './sms-gateway.js';

export interface EmulatedSms {
  id: string;
  to: string;
  text: string;
  sender: string;
  idempotencyKey: string;
  at: string;
}

export const smsFaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('invalid-number'), to: z.string() }),
  z.strictObject({
    kind: z.literal('unavailable'),
    status: z.number().int().min(500).max(599).default(503),
    times: z.number().int().positive().optional(),
  }),
  z.strictObject({ kind: z.literal('timeout'), times: z.number().int().positive().optional() }),
  z.strictObject({
    kind: z.literal('slow'),
    delayMs: z.number().int().min(0),
    times: z.number().int().positive().optional(),
  }),
]);
export type SmsFault = z.input<typeof smsFaultSchema>;
type ActiveFault = z.output<typeof smsFaultSchema> & { times?: number };

export interface SmsGatewayEmulatorOptions {
  port?: number;
  host?: string;
  token?: string;
  /** How long a time-out fault holds a request (default 120 s). */
  holdMs?: number;
}

export const defaultSmsToken = 'tthc-flow-dev';

export class SmsGatewayEmulator {
  private readonly sent: EmulatedSms[] = [];
  private readonly byKey = new Map<string, EmulatedSms>();
  private faults: ActiveFault[] = [];
  private readonly held = new Set<ServerResponse>();
  private readonly counts = { requests: 0, duplicates: 0, refused: 0 };

  private constructor(
    private readonly server: Server,
    private readonly token: string,
    private readonly holdMs: number,
    /** Where to POST a message. */
    readonly url: string,
  ) {}

  static async start(options: SmsGatewayEmulatorOptions = {}): Promise<SmsGatewayEmulator> {
    let emulator: SmsGatewayEmulator | undefined;
    const server = createServer((request, response) => {
      void emulator?.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, { code: 'INTERNAL', message: String(error) });
      });
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    emulator = new SmsGatewayEmulator(
      server,
      options.token ?? defaultSmsToken,
      options.holdMs ?? 120_000,
      `http://${host}:${port}/sms/send`,
    );
    return emulator;
  }

  /** The messages sent, in order (each idempotency key once), optionally to one number. */
  messages(to?: string): EmulatedSms[] {
    return this.sent.filter((m) => to === undefined || m.to === to);
  }

  stats() {
    return { ...this.counts, sent: this.sent.length };
  }

  addFault(fault: SmsFault): void {
    this.faults.push(smsFaultSchema.parse(fault));
  }

  clearFaults(): void {
    this.faults = [];
  }

  async stop(): Promise<void> {
    for (const response of this.held) response.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] as string;
    if (path.startsWith('/admin/')) return this.admin(request, response, path);
    if (request.method !== 'POST' || path !== '/sms/send')
      return send(response, 404, { code: 'NOT_FOUND', message: `no route ${request.method} ${path}` });
    this.counts.requests++;
    const fault = this.take((f) => f.kind !== 'invalid-number');
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.kind === 'unavailable')
      return send(response, fault.status, { code: 'UNAVAILABLE', message: 'gateway busy' });
    if (fault?.kind === 'timeout') {
      this.held.add(response);
      const timer = setTimeout(() => response.destroy(), this.holdMs);
      response.once('close', () => {
        clearTimeout(timer);
        this.held.delete(response);
      });
      return;
    }
    if (request.headers.authorization !== `Bearer ${this.token}`)
      return send(response, 401, { code: 'UNAUTHORIZED', message: 'wrong or missing API key' });
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 200)
      return send(response, 400, {
        code: 'INVALID_REQUEST',
        message: 'Idempotency-Key: required, at most 200 characters',
      });
    const known = this.byKey.get(key);
    if (known) {
      this.counts.duplicates++;
      return send(response, 200, { id: known.id, status: 'accepted', duplicate: true });
    }
    const parsed = smsSendRequestSchema.safeParse(await readJson(request));
    if (!parsed.success) {
      this.counts.refused++;
      return send(response, 400, {
        code: 'INVALID_REQUEST',
        message: parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; '),
      });
    }
    if (this.faults.some((f) => f.kind === 'invalid-number' && f.to === parsed.data.to)) {
      this.counts.refused++;
      return send(response, 422, { code: 'INVALID_NUMBER', message: 'the number is not in service' });
    }
    const sms: EmulatedSms = {
      id: randomUUID(),
      ...parsed.data,
      idempotencyKey: key,
      at: new Date().toISOString(),
    };
    this.sent.push(sms);
    this.byKey.set(key, sms);
    send(response, 200, { id: sms.id, status: 'accepted', duplicate: false });
  }

  private take(matches: (fault: ActiveFault) => boolean): ActiveFault | undefined {
    const fault = this.faults.find(matches);
    if (fault?.times !== undefined) {
      fault.times--;
      if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    }
    return fault;
  }

  private async admin(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const route = `${request.method} ${path}`;
    if (route === 'GET /admin/messages') {
      const to = new URL(request.url ?? '/', 'http://x').searchParams.get('to') ?? undefined;
      return send(response, 200, this.messages(to));
    }
    if (route === 'GET /admin/stats') return send(response, 200, this.stats());
    if (route === 'POST /admin/faults') {
      const parsed = smsFaultSchema.safeParse(await readJson(request));
      if (!parsed.success) return send(response, 400, { message: parsed.error.message });
      this.faults.push(parsed.data);
      return send(response, 201, { faults: this.faults.length });
    }
    if (route === 'DELETE /admin/faults') {
      this.clearFaults();
      return send(response, 200, { faults: 0 });
    }
    send(response, 404, { message: `no admin route ${route}` });
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
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
