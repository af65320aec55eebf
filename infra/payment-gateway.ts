/**
 * The payment gateway's protocol, as Vietnamese gateways and the national payment platform use it
 * (VNPay's "vpcpay" v2.1.0 pattern; docs/citizen.md "Online payment"):
 *
 * 1. The merchant (this system) sends the citizen's browser to the gateway with a signed redirect:
 *    `vnp_*` parameters (amount in đồng × 100, the order reference `vnp_TxnRef`, the return URL, the
 *    creation and expiry times, yyyyMMddHHmmss Vietnam time), sorted by name, URL-encoded, signed
 *    with HMAC-SHA512 under the merchant's hash secret (`vnp_SecureHash`, hex).
 * 2. After the payment the gateway calls the merchant's IPN address server to server (GET, the
 *    same signing) with the result (`vnp_ResponseCode`, `vnp_TransactionStatus` '00' = paid), its
 *    transaction number and the amount; the merchant checks the signature, the order and the amount,
 *    records the payment once, and answers `{ RspCode, Message }` ('00' confirmed, '01' order not
 *    found, '02' already confirmed, '04' wrong amount, '97' wrong signature, '99' other). The
 *    gateway retries until it gets '00' or '02'.
 * 3. The browser comes back to the return URL with the same signed parameters: shown, never
 *    trusted to record a payment (only the IPN does).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const VNP_VERSION = '2.1.0';

/** VNPay's encoding for the signed data: encodeURIComponent with spaces as '+'. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/** The signed data: every `vnp_` parameter but the hash ones, sorted by name, `k=v` joined by '&'. */
export function signingData(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key.startsWith('vnp_') && key !== 'vnp_SecureHash' && key !== 'vnp_SecureHashType')
    .sort()
    .map((key) => `${encode(key)}=${encode(params[key] as string)}`)
    .join('&');
}

export function sign(params: Readonly<Record<string, string>>, hashSecret: string): string {
  return createHmac('sha512', hashSecret).update(signingData(params), 'utf8').digest('hex');
}

/** True when `vnp_SecureHash` is the HMAC of the other parameters (constant-time comparison). */
export function verifySignature(params: Readonly<Record<string, string>>, hashSecret: string): boolean {
  const given = params.vnp_SecureHash;
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{128}$/.test(given)) return false;
  const expected = Buffer.from(sign(params, hashSecret), 'hex');
  return timingSafeEqual(expected, Buffer.from(given.toLowerCase(), 'hex'));
}

/** A query string of the parameters with their signature appended. */
export function signedQuery(params: Readonly<Record<string, string>>, hashSecret: string): string {
  return `${signingData(params)}&vnp_SecureHash=${sign(params, hashSecret)}`;
}

/** yyyyMMddHHmmss in Vietnam time (UTC+7, no daylight saving). */
export function gatewayTime(epochMs: number): string {
  const d = new Date(epochMs + 7 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

export function parseGatewayTime(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s) - 7 * 3_600_000;
}

const gatewayTimeSchema = z.string().regex(/^\d{14}$/, 'must be yyyyMMddHHmmss');
const txnRefSchema = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1–100 of A-Z a-z 0-9 . _ -');

/** The payment request the gateway takes (strict: an unknown or missing parameter is refused). */
export const paymentRequestSchema = z.strictObject({
  vnp_Version: z.literal(VNP_VERSION),
  vnp_Command: z.literal('pay'),
  vnp_TmnCode: z.string().regex(/^[A-Z0-9]{8}$/, 'must be the 8-character merchant code'),
  vnp_Amount: z
    .string()
    .regex(/^[1-9]\d*00$/, 'must be the amount in đồng × 100')
    .refine((text) => Number(text) <= 100_000_000_000, 'must be at most 1 000 000 000 đồng'),
  vnp_CurrCode: z.literal('VND'),
  vnp_TxnRef: txnRefSchema,
  vnp_OrderInfo: z.string().min(1).max(255),
  vnp_OrderType: z.string().regex(/^[a-z0-9_-]{1,50}$/),
  vnp_Locale: z.enum(['vn', 'en']),
  vnp_ReturnUrl: z.url().max(255),
  vnp_IpAddr: z.string().min(1).max(45),
  vnp_CreateDate: gatewayTimeSchema,
  vnp_ExpireDate: gatewayTimeSchema,
  vnp_BankCode: z
    .string()
    .regex(/^[A-Z0-9]{2,20}$/)
    .optional(),
  vnp_SecureHash: z.string().regex(/^[0-9a-fA-F]{128}$/, 'must be the HMAC-SHA512 in hex'),
  vnp_SecureHashType: z.literal('HmacSHA512').optional(),
});
export type PaymentRequest = z.output<typeof paymentRequestSchema>;

/** The result the gateway sends to the IPN address and the return URL. */
export const paymentResultSchema = z.strictObject({
  vnp_TmnCode: z.string().regex(/^[A-Z0-9]{8}$/),
  vnp_Amount: z.string().regex(/^\d{1,15}$/),
  vnp_BankCode: z.string().regex(/^[A-Z0-9]{2,20}$/),
  vnp_BankTranNo: z.string().max(255).optional(),
  vnp_CardType: z.string().max(20).optional(),
  vnp_OrderInfo: z.string().max(255),
  vnp_PayDate: gatewayTimeSchema.optional(),
  vnp_ResponseCode: z.string().regex(/^\d{2}$/),
  vnp_TransactionNo: z.string().regex(/^\d{1,15}$/),
  vnp_TransactionStatus: z.string().regex(/^\d{2}$/),
  vnp_TxnRef: txnRefSchema,
  vnp_SecureHash: z.string().regex(/^[0-9a-fA-F]{128}$/),
  vnp_SecureHashType: z.literal('HmacSHA512').optional(),
});
export type PaymentResult = z.output<typeof paymentResultSchema>;

/** What the merchant answers the IPN. */
export const ipnAnswers = {
  confirmed: { RspCode: '00', Message: 'Confirm Success' },
  orderNotFound: { RspCode: '01', Message: 'Order not found' },
  alreadyConfirmed: { RspCode: '02', Message: 'Order already confirmed' },
  invalidAmount: { RspCode: '04', Message: 'Invalid amount' },
  invalidSignature: { RspCode: '97', Message: 'Invalid signature' },
  unknownError: { RspCode: '99', Message: 'Unknown error' },
} as const;
export type IpnAnswer = (typeof ipnAnswers)[keyof typeof ipnAnswers];

export interface PaymentGatewaySettings {
  /** The gateway's payment page, e.g. http://127.0.0.1:3004/paymentv2/vpcpay.html. */
  payUrl: string;
  tmnCode: string;
  hashSecret: string;
  /** Where the citizen's browser comes back (the API's /v1/payments/return). */
  returnUrl: string;
  /** Minutes the citizen has to pay before the order expires (default 15). */
  expiryMinutes?: number;
}

export interface PaymentOrder {
  txnRef: string;
  amountVnd: number;
  orderInfo: string;
  ipAddr: string;
  now: number;
}

/** The merchant's side of the protocol (the adapter the API uses). */
export class PaymentGateway {
  constructor(readonly settings: PaymentGatewaySettings) {
    if (settings.hashSecret.length < 16) throw new RangeError('the payment gateway hash secret is too short');
  }

  /** The signed address the citizen's browser is sent to. */
  paymentUrl(order: PaymentOrder): string {
    const params: Record<string, string> = {
      vnp_Version: VNP_VERSION,
      vnp_Command: 'pay',
      vnp_TmnCode: this.settings.tmnCode,
      vnp_Amount: String(order.amountVnd * 100),
      vnp_CurrCode: 'VND',
      vnp_TxnRef: order.txnRef,
      // Order info carries no personal data: the dossier code and what is paid.
      vnp_OrderInfo: order.orderInfo,
      vnp_OrderType: 'other',
      vnp_Locale: 'vn',
      vnp_ReturnUrl: this.settings.returnUrl,
      vnp_IpAddr: order.ipAddr,
      vnp_CreateDate: gatewayTime(order.now),
      vnp_ExpireDate: gatewayTime(order.now + (this.settings.expiryMinutes ?? 15) * 60_000),
    };
    return `${this.settings.payUrl}?${signedQuery(params, this.settings.hashSecret)}`;
  }

  /**
   * A notification or return from the gateway: its parameters checked (shape, merchant code,
   * signature). `invalid-signature` also covers a tampered parameter.
   */
  verifyResult(
    query: Readonly<Record<string, unknown>>,
  ):
    | { ok: true; result: PaymentResult; amountVnd: number; paid: boolean }
    | { ok: false; reason: 'malformed' | 'invalid-signature' | 'wrong-merchant'; detail: string } {
    const strings = Object.fromEntries(
      Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    if (Object.keys(strings).length !== Object.keys(query).length)
      return { ok: false, reason: 'malformed', detail: 'a parameter is repeated' };
    if (!verifySignature(strings, this.settings.hashSecret))
      return { ok: false, reason: 'invalid-signature', detail: 'vnp_SecureHash does not match' };
    const parsed = paymentResultSchema.safeParse(strings);
    if (!parsed.success)
      return {
        ok: false,
        reason: 'malformed',
        detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      };
    if (parsed.data.vnp_TmnCode !== this.settings.tmnCode)
      return { ok: false, reason: 'wrong-merchant', detail: `vnp_TmnCode ${parsed.data.vnp_TmnCode}` };
    const result = parsed.data;
    return {
      ok: true,
      result,
      amountVnd: Number(result.vnp_Amount) / 100,
      paid: result.vnp_ResponseCode === '00' && result.vnp_TransactionStatus === '00',
    };
  }
}

/** Vietnamese text of the gateway's response codes (as the gateway documents them). */
export const responseCodeNames: Readonly<Record<string, string>> = {
  '00': 'Giao dịch thành công',
  '07': 'Trừ tiền thành công; giao dịch bị nghi ngờ',
  '09': 'Thẻ/Tài khoản chưa đăng ký dịch vụ Internet Banking',
  '11': 'Đã hết hạn chờ thanh toán',
  '12': 'Thẻ/Tài khoản bị khóa',
  '24': 'Người dùng hủy giao dịch',
  '51': 'Tài khoản không đủ số dư',
  '65': 'Tài khoản vượt quá hạn mức giao dịch trong ngày',
  '75': 'Ngân hàng thanh toán đang bảo trì',
  '99': 'Lỗi khác',
};
