/**
 * A citizen paying at the payment gateway emulator (infra/payment-gateway-emulator.ts) as a browser
 * would: its page, which must show the amount, then its form. Returns where the gateway sends the
 * browser back (the signed return URL).
 */
import { expect } from 'vitest';

export async function payAtGateway(redirect: string, amountShown = '10.000 ₫'): Promise<string> {
  const page = await fetch(redirect);
  const html = await page.text();
  expect(page.status, html).toBe(200);
  expect(html).toContain(amountShown);
  const session = /name="session" value="([0-9a-f]+)"/.exec(html)?.[1] ?? '';
  const paid = await fetch(new URL('/paymentv2/pay', redirect), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ session, bank: 'NCB', action: 'pay' }).toString(),
  });
  expect(paid.status).toBe(302);
  return paid.headers.get('location') ?? '';
}
