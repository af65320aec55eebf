/**
 * Online payment of a dossier's fees through the payment gateway (infra/payment-gateway.ts;
 * docs/citizen.md "Online payment"):
 *
 * - `POST /v1/citizen/dossiers/:code/payments` (the citizen): a payment order for what the dossier
 *   still owes, kept in NATS KV, and the signed address of the gateway's page to send the browser to;
 * - `GET /v1/payments/ipn` (the gateway, server to server): the notification checked — signature,
 *   merchant, order, amount — and the payment recorded on the dossier's workflow once per gateway
 *   transaction (a retry or a replay is answered '02' and records nothing; a tampered one is refused
 *   and logged); every notification goes on the append-only TTHC_PAYMENTS stream;
 * - `GET /v1/payments/return` (the browser back from the gateway): shown, never trusted to record;
 * - `GET /v1/citizen/dossiers/:code/receipt.pdf`: the receipt (biên lai) of a confirmed payment.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DossierErasedError, DossierNotFoundError, IllegalActionError } from '../../client/client-errors.js';
import type { Actor } from '../../domain/actor.js';
import {
  dossierOfPaymentReference,
  paymentReference,
  paymentStatus,
  receiptNumber,
} from '../../domain/online-payment.js';
import { formatInstant, formatVietnameseDate, toCivilDate } from '../../domain/time.js';
import type { PaymentEvents } from '../../events/payment-events.js';
import { PaymentOrders } from '../../infra/citizen-store.js';
import { paymentReceiptPdf } from '../../infra/form-pdf.js';
import {
  type IpnAnswer,
  ipnAnswers,
  type PaymentGateway,
  parseGatewayTime,
} from '../../infra/payment-gateway.js';
import { ownDossier, pdfReply, servicesOf } from '../citizen-access.js';
import type { ApiContext } from '../context.js';
import { NotFoundError } from '../http-errors.js';
import { codeParamsSchema, errorResponses } from '../schemas.js';

/** 'HH:mm:ss ngày dd/MM/yyyy' in Vietnam time, as a receipt prints it. */
function printedTime(iso: string): string {
  const local = formatInstant(Date.parse(iso));
  return `${local.slice(11, 19)} ngày ${formatVietnameseDate(local.slice(0, 10))}`;
}

/** Who records an online payment on the workflow: the citizen's payment, confirmed by the gateway. */
function gatewayActor(txnRef: string): Actor {
  return {
    id: `payment-gateway:${txnRef}`,
    name: 'Người nộp hồ sơ (thanh toán trực tuyến qua cổng thanh toán)',
    unit: 'applicant',
    role: 'applicant',
  };
}

function paymentsOf(ctx: ApiContext): {
  gateway: PaymentGateway;
  events: PaymentEvents;
  orders: PaymentOrders;
} {
  const services = servicesOf(ctx);
  if (!services.payments) throw new NotFoundError('Thanh toán trực tuyến chưa được bật (no payment gateway)');
  return { ...services.payments, orders: new PaymentOrders(services.store.orders) };
}

/** The citizen's routes (registered in the citizens' scope: authenticated). */
export function registerCitizenPaymentRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/v1/citizen/dossiers/:code/payments',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Starts the online payment of what the dossier owes: the gateway address to go to',
        params: codeParamsSchema,
        response: {
          201: z.object({ redirect: z.string(), txnRef: z.string(), amountVnd: z.number() }),
          ...errorResponses(400, 401, 403, 404, 409, 410),
        },
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const { gateway, orders } = paymentsOf(ctx);
      const view = await ownDossier(ctx, request, code);
      if (view.ended) throw new IllegalActionError('ILLEGAL_STATE', `Hồ sơ ${code} đã kết thúc`);
      const status = paymentStatus(view.state);
      if (status.outstandingVnd === 0)
        throw new IllegalActionError('NOTHING_DUE', `Hồ sơ ${code} không còn phí, lệ phí phải nộp`);
      const existing = await orders.ofDossier(code);
      if (existing.some((o) => o.status === 'paid'))
        throw new IllegalActionError('ALREADY_PAID', `Hồ sơ ${code} đã được thanh toán; đang chờ ghi nhận`);
      const txnRef = paymentReference(code, existing.length + 1);
      const now = ctx.now();
      await orders.create({
        txnRef,
        dossierCode: code,
        receivingUnit: view.state.application.receivingUnit,
        amountVnd: status.outstandingVnd,
        status: 'pending',
        createdAt: new Date(now).toISOString(),
      });
      const redirect = gateway.paymentUrl({
        txnRef,
        amountVnd: status.outstandingVnd,
        orderInfo: `Thanh toan phi, le phi ho so ${code}`,
        ipAddr: request.ip,
        now,
      });
      request.log.info(
        { dossierCode: code, txnRef, amountVnd: status.outstandingVnd },
        'payment order created',
      );
      return reply.code(201).send({ redirect, txnRef, amountVnd: status.outstandingVnd });
    },
  );

  app.get(
    '/v1/citizen/dossiers/:code/receipt.pdf',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The receipt (biên lai) of the dossier’s confirmed online payment, as a PDF file',
        params: codeParamsSchema,
        response: errorResponses(400, 401, 403, 404, 410),
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const { orders } = paymentsOf(ctx);
      const view = await ownDossier(ctx, request, code);
      const paid = (await orders.ofDossier(code)).find((o) => o.status === 'paid');
      if (!paid?.transactionNo || !paid.receiptNo || !paid.paidAt)
        throw new NotFoundError(`Hồ sơ ${code} chưa có khoản thanh toán trực tuyến được xác nhận`);
      const fees = view.state.procedure.fees
        .filter((f) => f.condition === undefined)
        .map((f) => ({ name: f.name, amountVnd: f.onlineAmountVnd ?? f.amountVnd }));
      const pdf = paymentReceiptPdf({
        receiptNo: paid.receiptNo,
        merchantName: servicesOf(ctx).merchantName ?? 'Cổng dịch vụ công của tỉnh',
        dossierCode: code,
        procedure: { code: view.state.procedure.code, name: view.state.procedure.name },
        fees,
        amountVnd: paid.amountVnd,
        paidAt: printedTime(paid.paidAt),
        transactionNo: paid.transactionNo,
        bankCode: paid.bankCode,
        txnRef: paid.txnRef,
      });
      return pdfReply(reply, pdf, `${code}-bien-lai.pdf`);
    },
  );
}

/** The gateway's routes: public (the signature is the authentication). */
export function registerGatewayRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  // The gateway's parameters, named for the documentation; checked by the adapter (a repeated one is refused there).
  const param = z.union([z.string().max(512), z.array(z.string().max(512))]).optional();
  const anyQuery = z.looseObject(
    Object.fromEntries(
      [
        'vnp_TmnCode',
        'vnp_Amount',
        'vnp_BankCode',
        'vnp_BankTranNo',
        'vnp_CardType',
        'vnp_OrderInfo',
        'vnp_PayDate',
        'vnp_ResponseCode',
        'vnp_TransactionNo',
        'vnp_TransactionStatus',
        'vnp_TxnRef',
        'vnp_SecureHash',
        'vnp_SecureHashType',
      ].map((name) => [name, param]),
    ),
  );

  app.get(
    '/v1/payments/ipn',
    {
      schema: {
        tags: ['citizens'],
        summary:
          'The payment gateway’s server-to-server notification (IPN), signed; answered { RspCode, Message }',
        security: [],
        querystring: anyQuery,
        response: { 200: z.object({ RspCode: z.string(), Message: z.string() }) },
      },
    },
    async (request) => handleIpn(ctx, request, request.query),
  );

  app.get(
    '/v1/payments/return',
    {
      schema: {
        tags: ['citizens'],
        summary: 'Where the gateway sends the browser back: shown to the citizen, never trusted to record',
        security: [],
        querystring: anyQuery,
      },
    },
    async (request, reply) => {
      const { gateway } = paymentsOf(ctx);
      const checked = gateway.verifyResult(request.query);
      if (!checked.ok) return reply.redirect('/console/citizen.html#/thanh-toan/loi', 303);
      const code = dossierOfPaymentReference(checked.result.vnp_TxnRef);
      const outcome = checked.paid ? 'thanh-cong' : `khong-thanh-cong-${checked.result.vnp_ResponseCode}`;
      return reply.redirect(
        `/console/citizen.html#/ho-so/${encodeURIComponent(code)}?thanh-toan=${outcome}`,
        303,
      );
    },
  );
}

async function handleIpn(
  ctx: ApiContext,
  request: FastifyRequest,
  query: Record<string, unknown>,
): Promise<IpnAnswer> {
  const { gateway, events, orders } = paymentsOf(ctx);
  const refuse = async (answer: IpnAnswer, reason: string, fields: Record<string, unknown> = {}) => {
    request.log.warn({ reason, answer: answer.RspCode, ...fields }, 'payment notification refused');
    await events.record({ outcome: 'refused', reason, answer: answer.RspCode, ...fields });
    return answer;
  };
  const checked = gateway.verifyResult(query);
  if (!checked.ok) {
    const txnRef =
      typeof query.vnp_TxnRef === 'string' && query.vnp_TxnRef.length <= 100 ? query.vnp_TxnRef : undefined;
    return refuse(
      checked.reason === 'invalid-signature' ? ipnAnswers.invalidSignature : ipnAnswers.unknownError,
      checked.reason,
      txnRef && /^[A-Za-z0-9._-]+$/.test(txnRef) ? { txnRef } : {},
    );
  }
  const { result, amountVnd, paid } = checked;
  const found = await orders.get(result.vnp_TxnRef);
  if (!found) return refuse(ipnAnswers.orderNotFound, 'order-not-found', { txnRef: result.vnp_TxnRef });
  const { order } = found;
  const base = {
    txnRef: order.txnRef,
    dossierCode: order.dossierCode,
    receivingUnit: order.receivingUnit,
    transactionNo: result.vnp_TransactionNo,
  };
  if (amountVnd !== order.amountVnd)
    return refuse(ipnAnswers.invalidAmount, 'wrong-amount', {
      ...base,
      amountVnd: Math.max(0, Math.round(amountVnd)),
    });
  if (order.status === 'paid') {
    request.log.info({ txnRef: order.txnRef }, 'payment notification repeated');
    await events.record({
      ...base,
      outcome: 'duplicate',
      amountVnd,
      answer: ipnAnswers.alreadyConfirmed.RspCode,
    });
    return ipnAnswers.alreadyConfirmed;
  }
  if (!paid) {
    await orders.update(
      { ...order, status: 'failed', responseCode: result.vnp_ResponseCode },
      found.revision,
    );
    await events.record({
      ...base,
      outcome: 'failed',
      amountVnd,
      reason: `response-${result.vnp_ResponseCode}`,
      answer: ipnAnswers.confirmed.RspCode,
    });
    return ipnAnswers.confirmed;
  }
  const paidAt = result.vnp_PayDate ? parseGatewayTime(result.vnp_PayDate) : ctx.now();
  const receiptNo = receiptNumber(toCivilDate(paidAt), result.vnp_TransactionNo);
  // Recorded on the workflow first (once per transaction: the workflow refuses the same one again),
  // then the order marked paid; a failure before the end answers '99' and the gateway retries.
  try {
    await ctx.dossiers.act(order.dossierCode, {
      name: 'record-payment',
      actor: gatewayActor(order.txnRef),
      payload: {
        amountVnd,
        channel: 'local-portal',
        receiptRef: receiptNo,
        transactionRef: result.vnp_TransactionNo,
      },
    });
  } catch (error) {
    // A dossier that ended is no longer running: the update finds no workflow (DossierNotFoundError).
    const closed =
      error instanceof IllegalActionError ||
      error instanceof DossierErasedError ||
      error instanceof DossierNotFoundError;
    if (closed && !(error instanceof IllegalActionError && error.code === 'ONCE_ONLY')) {
      // The dossier can no longer take a payment (refused, withdrawn, ended meanwhile): the money was
      // taken, so the notification is confirmed and the payment flagged for a refund, never recorded.
      request.log.warn(
        { dossierCode: order.dossierCode, txnRef: order.txnRef, code: (error as { code?: string }).code },
        'payment for a dossier that cannot take it: to be refunded',
      );
      await orders.update(
        { ...order, status: 'failed', transactionNo: result.vnp_TransactionNo, responseCode: 'refund' },
        found.revision,
      );
      await events.record({
        ...base,
        outcome: 'refused',
        amountVnd,
        reason: 'dossier-closed-refund',
        answer: ipnAnswers.confirmed.RspCode,
      });
      return ipnAnswers.confirmed;
    }
    if (!closed) {
      request.log.error({ err: error, txnRef: order.txnRef }, 'payment could not be recorded on the dossier');
      return ipnAnswers.unknownError;
    }
  }
  const marked = await orders.update(
    {
      ...order,
      status: 'paid',
      transactionNo: result.vnp_TransactionNo,
      bankCode: result.vnp_BankCode,
      receiptNo,
      paidAt: new Date(paidAt).toISOString(),
      responseCode: result.vnp_ResponseCode,
    },
    found.revision,
  );
  if (!marked) {
    await events.record({
      ...base,
      outcome: 'duplicate',
      amountVnd,
      answer: ipnAnswers.alreadyConfirmed.RspCode,
    });
    return ipnAnswers.alreadyConfirmed;
  }
  await events.record({
    ...base,
    outcome: 'confirmed',
    amountVnd,
    paidOnlineVia: 2,
    answer: ipnAnswers.confirmed.RspCode,
  });
  request.log.info({ dossierCode: order.dossierCode, txnRef: order.txnRef }, 'online payment recorded');
  return ipnAnswers.confirmed;
}
