/**
 * An emulator of the payment gateway (infra/payment-gateway.ts), run by `npm start` and by the
 * tests: the gateway's payment page, strict about what it is sent (every parameter checked, the
 * signature, the merchant, the expiry: a bad request gets the gateway's error page, nothing is
 * paid), a signed server-to-server notification (IPN) to the merchant's registered address with
 * retries until the merchant confirms, then the browser sent back to the return URL.
 *
 * Faults for tests (`POST /__emulator/faults`, JSON): `ipn` 'normal' | 'drop' (never sent) |
 * 'duplicate' (sent twice) | 'tamper-amount' (amount changed after signing) | 'bad-signature';
 * `decline` (the bank refuses: response code 51). `POST /__emulator/replay` sends the last
 * notification again, as it was (a replay); `GET /__emulator/notifications` lists every
 * notification sent with the merchant's answer.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import {
  gatewayTime,
  parseGatewayTime,
  paymentRequestSchema,
  signedQuery,
  verifySignature,
} from './payment-gateway.js';

export interface EmulatedMerchant {
  tmnCode: string;
  hashSecret: string;
  /** The merchant's IPN address, registered with the gateway (as with the real one). */
  ipnUrl: string;
}

export const emulatorFaultsSchema = z.strictObject({
  ipn: z.enum(['normal', 'drop', 'duplicate', 'tamper-amount', 'bad-signature']).default('normal'),
  decline: z.boolean().default(false),
});
export type EmulatorFaults = z.output<typeof emulatorFaultsSchema>;

export interface SentNotification {
  txnRef: string;
  query: string;
  status: number | 'unreachable';
  answer?: { RspCode?: string; Message?: string };
  at: string;
}

interface PendingPayment {
  request: z.output<typeof paymentRequestSchema>;
  merchant: EmulatedMerchant;
}

export interface PaymentGatewayEmulatorOptions {
  merchants: readonly EmulatedMerchant[];
  port?: number;
  host?: string;
  /** Notification attempts until the merchant confirms (default 5), and the first back-off (default 200 ms, doubling). */
  ipnAttempts?: number;
  ipnBackoffMs?: number;
  now?: () => number;
}

export class PaymentGatewayEmulator {
  private faults: EmulatorFaults = { ipn: 'normal', decline: false };
  private readonly pending = new Map<string, PendingPayment>();
  readonly notifications: SentNotification[] = [];
  private lastNotification?: { url: string; txnRef: string };
  private nextTransaction = 14_000_000 + Math.floor(Math.random() * 1_000_000);

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: PaymentGatewayEmulatorOptions,
  ) {}

  static async start(options: PaymentGatewayEmulatorOptions): Promise<PaymentGatewayEmulator> {
    const server = createServer();
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const emulator = new PaymentGatewayEmulator(server, `http://${host}:${port}`, options);
    server.on('request', (req, res) => {
      emulator.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) page(res, 500, 'Lỗi hệ thống', String((error as Error).message));
      });
    });
    return emulator;
  }

  /** The payment page's address (the merchant's TTHC_PAYMENT_URL). */
  get payUrl(): string {
    return `${this.url}/paymentv2/vpcpay.html`;
  }

  setFaults(faults: Partial<EmulatorFaults>): void {
    this.faults = emulatorFaultsSchema.parse({ ...this.faults, ...faults });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<undefined> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname === '/paymentv2/vpcpay.html') return this.paymentPage(url, res);
    if (req.method === 'POST' && url.pathname === '/paymentv2/pay') return this.pay(req, res);
    if (req.method === 'POST' && url.pathname === '/__emulator/faults') {
      const body = await readBody(req);
      const parsed = emulatorFaultsSchema.partial().safeParse(safeJson(body));
      if (!parsed.success)
        return json(res, 400, { error: parsed.error.issues.map((i) => i.message).join('; ') });
      this.setFaults(parsed.data);
      return json(res, 200, this.faults);
    }
    if (req.method === 'POST' && url.pathname === '/__emulator/replay') {
      if (!this.lastNotification) return json(res, 404, { error: 'no notification sent yet' });
      const sent = await this.notifyOnce(this.lastNotification.url, this.lastNotification.txnRef);
      return json(res, 200, sent);
    }
    if (req.method === 'GET' && url.pathname === '/__emulator/notifications')
      return json(res, 200, this.notifications);
    page(res, 404, 'Không tìm thấy trang', `${req.method} ${url.pathname}`);
  }

  /** The gateway's page: every parameter checked before anything is shown. */
  private paymentPage(url: URL, res: ServerResponse): undefined {
    const params: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      if (key in params) return page(res, 400, 'Yêu cầu không hợp lệ', `Tham số ${key} bị lặp lại`);
      params[key] = value;
    }
    const parsed = paymentRequestSchema.safeParse(params);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'yêu cầu'}: ${i.message}`)
        .join('; ');
      return page(res, 400, 'Yêu cầu không hợp lệ (mã lỗi 03)', detail);
    }
    const merchant = this.options.merchants.find((m) => m.tmnCode === parsed.data.vnp_TmnCode);
    if (!merchant) return page(res, 400, 'Website chưa được phê duyệt (mã lỗi 02)', parsed.data.vnp_TmnCode);
    if (!verifySignature(params, merchant.hashSecret))
      return page(res, 400, 'Sai chữ ký (mã lỗi 97)', 'vnp_SecureHash không khớp với dữ liệu gửi sang');
    const expires = parseGatewayTime(parsed.data.vnp_ExpireDate);
    if (!(expires > this.now()))
      return page(res, 400, 'Giao dịch đã quá thời gian chờ thanh toán (mã lỗi 11)', '');
    const session = randomBytes(16).toString('hex');
    this.pending.set(session, { request: parsed.data, merchant });
    const amount = Number(parsed.data.vnp_Amount) / 100;
    const origin = new URL(parsed.data.vnp_ReturnUrl).origin;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${origin}`,
      'cache-control': 'no-store',
    });
    res.end(`<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng thanh toán (mô phỏng)</title>${STYLE}</head><body><main>
<h1>Cổng thanh toán (mô phỏng)</h1>
<p class="note">Môi trường thử nghiệm: không có tiền thật được chuyển.</p>
<dl><dt>Đơn vị nhận</dt><dd>${escapeHtml(merchant.tmnCode)}</dd>
<dt>Mã giao dịch</dt><dd>${escapeHtml(parsed.data.vnp_TxnRef)}</dd>
<dt>Nội dung</dt><dd>${escapeHtml(parsed.data.vnp_OrderInfo)}</dd>
<dt>Số tiền</dt><dd id="so-tien">${amount.toLocaleString('vi-VN')} ₫</dd></dl>
<form method="post" action="/paymentv2/pay">
<input type="hidden" name="session" value="${session}">
<label for="bank">Ngân hàng</label>
<select id="bank" name="bank"><option value="NCB">NCB</option><option value="VCB">Vietcombank</option><option value="BIDV">BIDV</option></select>
<button type="submit" name="action" value="pay">Thanh toán</button>
<button type="submit" name="action" value="cancel" class="secondary">Hủy giao dịch</button>
</form></main></body></html>`);
  }

  private async pay(req: IncomingMessage, res: ServerResponse): Promise<undefined> {
    const form = new URLSearchParams(await readBody(req));
    const session = form.get('session') ?? '';
    const pending = this.pending.get(session);
    this.pending.delete(session);
    if (!pending) return page(res, 400, 'Phiên thanh toán không tồn tại hoặc đã dùng', '');
    const bank = /^[A-Z0-9]{2,20}$/.test(form.get('bank') ?? '') ? (form.get('bank') as string) : 'NCB';
    const cancelled = form.get('action') === 'cancel';
    const code = cancelled ? '24' : this.faults.decline ? '51' : '00';
    const { request, merchant } = pending;
    const transactionNo = String(this.nextTransaction++);
    const result: Record<string, string> = {
      vnp_TmnCode: request.vnp_TmnCode,
      vnp_Amount: request.vnp_Amount,
      vnp_BankCode: bank,
      vnp_BankTranNo: `${bank}${transactionNo}`,
      vnp_CardType: 'ATM',
      vnp_OrderInfo: request.vnp_OrderInfo,
      vnp_PayDate: gatewayTime(this.now()),
      vnp_ResponseCode: code,
      vnp_TransactionNo: code === '24' ? '0' : transactionNo,
      vnp_TransactionStatus: code === '00' ? '00' : '02',
      vnp_TxnRef: request.vnp_TxnRef,
    };
    let query = signedQuery(result, merchant.hashSecret);
    if (this.faults.ipn === 'tamper-amount')
      query = query.replace(/vnp_Amount=\d+/, `vnp_Amount=${Number(request.vnp_Amount) / 100}`);
    if (this.faults.ipn === 'bad-signature')
      query = query.replace(/vnp_SecureHash=[0-9a-f]{8}/, 'vnp_SecureHash=00000000');
    const ipn = `${merchant.ipnUrl}?${query}`;
    this.lastNotification = { url: ipn, txnRef: request.vnp_TxnRef };
    if (this.faults.ipn !== 'drop' && !cancelled) {
      await this.notify(ipn, request.vnp_TxnRef);
      if (this.faults.ipn === 'duplicate') await this.notifyOnce(ipn, request.vnp_TxnRef);
    }
    // The browser goes back with what the gateway would send (always correctly signed).
    res.writeHead(302, { location: `${request.vnp_ReturnUrl}?${signedQuery(result, merchant.hashSecret)}` });
    res.end();
  }

  /** Sends the notification until the merchant answers '00' or '02', with back-off. */
  private async notify(url: string, txnRef: string): Promise<void> {
    const attempts = this.options.ipnAttempts ?? 5;
    let wait = this.options.ipnBackoffMs ?? 200;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const sent = await this.notifyOnce(url, txnRef);
      if (sent.answer?.RspCode === '00' || sent.answer?.RspCode === '02') return;
      if (sent.answer?.RspCode === '97' || sent.answer?.RspCode === '04' || sent.answer?.RspCode === '01')
        return;
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, wait));
      wait *= 2;
    }
  }

  private async notifyOnce(url: string, txnRef: string): Promise<SentNotification> {
    const entry: SentNotification = {
      txnRef,
      query: url.slice(url.indexOf('?') + 1),
      status: 'unreachable',
      at: new Date(this.now()).toISOString(),
    };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
      entry.status = response.status;
      entry.answer = (await response.json().catch(() => undefined)) as SentNotification['answer'];
    } catch {
      // Unreachable: retried by notify().
    }
    this.notifications.push(entry);
    return entry;
  }
}

const STYLE = `<style>body{font-family:system-ui,sans-serif;margin:0;background:#f3f5f9;color:#1b1b1b}
main{max-width:28rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}
h1{font-size:1.3rem;color:#005baa}.note{background:#fff4ce;padding:.5rem;border-radius:4px}
dt{font-weight:600;margin-top:.5rem}dd{margin:0}label{display:block;margin-top:1rem;font-weight:600}
select,button{font-size:1rem;min-height:44px;width:100%;margin-top:.5rem}
button{background:#005baa;color:#fff;border:0;border-radius:4px}button.secondary{background:#fff;color:#005baa;border:1px solid #005baa}
button:focus,select:focus{outline:3px solid #ffbf47}</style>`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, detail: string): undefined {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(
    `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${STYLE}</head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></main></body></html>`,
  );
}

function json(res: ServerResponse, status: number, body: unknown): undefined {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
