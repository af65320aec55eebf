/**
 * The merchant's side of the payment gateway's protocol (infra/payment-gateway.ts): the signed
 * redirect, and the checks of a notification — a parameter changed after signing, another
 * merchant's, a repeated parameter or a malformed one is refused; a declined payment is not paid.
 */
import { describe, expect, it } from 'vitest';
import {
  gatewayTime,
  PaymentGateway,
  parseGatewayTime,
  sign,
  signedQuery,
  signingData,
  verifySignature,
} from '../../infra/payment-gateway.js';

const hashSecret = 'bi-mat-cua-don-vi-0123456789';
const gateway = new PaymentGateway({
  payUrl: 'http://127.0.0.1:9/paymentv2/vpcpay.html',
  tmnCode: 'TTHCTEST',
  hashSecret,
  returnUrl: 'http://127.0.0.1:3000/v1/payments/return',
});

function notification(overrides: Record<string, string> = {}): Record<string, string> {
  const params: Record<string, string> = {
    vnp_TmnCode: 'TTHCTEST',
    vnp_Amount: '1000000',
    vnp_BankCode: 'NCB',
    vnp_OrderInfo: 'Thanh toan phi, le phi ho so 000.01.41.H99-261207-0001',
    vnp_PayDate: '20261207101500',
    vnp_ResponseCode: '00',
    vnp_TransactionNo: '14000001',
    vnp_TransactionStatus: '00',
    vnp_TxnRef: '000.01.41.H99-261207-0001.1',
    ...overrides,
  };
  return { ...params, vnp_SecureHash: sign(params, hashSecret) };
}

describe('payment gateway adapter', () => {
  it('signs the sorted vnp_ parameters, spaces as +, leaving the hash out', () => {
    expect(signingData({ vnp_b: 'x y', vnp_a: '1', other: 'z', vnp_SecureHash: 'ff' })).toBe(
      'vnp_a=1&vnp_b=x+y',
    );
    const query = signedQuery({ vnp_a: '1' }, hashSecret);
    const params = Object.fromEntries(new URLSearchParams(query));
    expect(verifySignature(params, hashSecret)).toBe(true);
    expect(verifySignature(params, `${hashSecret}x`)).toBe(false);
  });

  it('builds a payment address the gateway can check: amount × 100, expiry, signature', () => {
    const url = new URL(
      gateway.paymentUrl({
        txnRef: '000.01.41.H99-261207-0001.1',
        amountVnd: 10_000,
        orderInfo: 'Thanh toan phi',
        ipAddr: '127.0.0.1',
        now: Date.UTC(2026, 11, 7, 3, 0, 0),
      }),
    );
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      vnp_Amount: '1000000',
      vnp_TmnCode: 'TTHCTEST',
      vnp_CreateDate: '20261207100000',
      vnp_ExpireDate: '20261207101500',
    });
    expect(verifySignature(params, hashSecret)).toBe(true);
  });

  it('accepts a correct notification and says whether it was paid', () => {
    expect(gateway.verifyResult(notification())).toMatchObject({ ok: true, amountVnd: 10_000, paid: true });
    expect(
      gateway.verifyResult(notification({ vnp_ResponseCode: '51', vnp_TransactionStatus: '02' })),
    ).toMatchObject({
      ok: true,
      paid: false,
    });
  });

  it('refuses a tampered, another merchant’s, a repeated or a malformed notification', () => {
    const tampered = { ...notification(), vnp_Amount: '100' };
    expect(gateway.verifyResult(tampered)).toMatchObject({ ok: false, reason: 'invalid-signature' });
    expect(gateway.verifyResult(notification({ vnp_TmnCode: 'OTHER001' }))).toMatchObject({
      ok: false,
      reason: 'wrong-merchant',
    });
    expect(gateway.verifyResult({ ...notification(), vnp_TxnRef: ['a', 'b'] })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(gateway.verifyResult(notification({ vnp_Amount: 'mười nghìn' }))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    const unsigned: Record<string, string> = notification();
    delete unsigned.vnp_SecureHash;
    expect(gateway.verifyResult(unsigned)).toMatchObject({ ok: false, reason: 'invalid-signature' });
  });

  it('reads and writes the gateway’s times in Vietnam time', () => {
    const at = Date.UTC(2026, 0, 31, 20, 5, 9);
    expect(gatewayTime(at)).toBe('20260201030509');
    expect(parseGatewayTime('20260201030509')).toBe(at);
    expect(parseGatewayTime('2026-02-01')).toBeNaN();
  });
});
