/**
 * What a dossier owes and what it has paid (ND 61 Art 22; DOMAIN.md §1.1 step 8, §3): the fees of
 * the procedure version it was received under, at the online amount for an online dossier (often
 * reduced or waived), and the payments recorded on it. Conditional fees (charged only in a case the
 * counter judges) are left out of what is due online; a fee charged per page or per copy counts
 * once (the citizen's dossier is one case). Pure.
 */
import { z } from 'zod';
import type { SubmissionMethod } from './catalogue.js';
import type { DossierState } from './dossier/dossier-state.js';

type FeeList = Pick<DossierState['procedure'], 'fees'>;

/** The amount due in đồng for a dossier of this procedure lodged through this channel. */
export function amountDue(procedure: FeeList, channel: SubmissionMethod): number {
  return procedure.fees
    .filter((fee) => fee.condition === undefined)
    .reduce((sum, fee) => {
      const amount =
        channel === 'online' && fee.onlineAmountVnd !== undefined ? fee.onlineAmountVnd : fee.amountVnd;
      return sum + amount;
    }, 0);
}

export interface PaymentStatus {
  dueVnd: number;
  paidVnd: number;
  outstandingVnd: number;
  /** Nothing is owed any more (or nothing ever was). */
  paid: boolean;
}

export function paymentStatus(
  state: Pick<DossierState, 'procedure' | 'application' | 'payments'>,
): PaymentStatus {
  const dueVnd = amountDue(state.procedure, state.application.channel);
  const paidVnd = state.payments.reduce((sum, p) => sum + p.amountVnd, 0);
  const outstandingVnd = Math.max(0, dueVnd - paidVnd);
  return { dueVnd, paidVnd, outstandingVnd, paid: outstandingVnd === 0 };
}

/**
 * The payment order the gateway is asked to collect: one per dossier and attempt. The reference
 * is `<dossier code>.<attempt>` with the dots and dashes of the code kept (gateways take
 * [A-Za-z0-9._-] up to 100 characters).
 */
export const paymentReferenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9.-]{1,60}\.\d{1,3}$/, 'must be <dossier code>.<attempt>');

export function paymentReference(dossierCode: string, attempt: number): string {
  return `${dossierCode}.${attempt}`;
}

export function dossierOfPaymentReference(reference: string): string {
  return reference.slice(0, reference.lastIndexOf('.'));
}

/** The receipt number (số biên lai) of a payment: BL-<yyMMdd>-<gateway transaction number>. */
export function receiptNumber(paidOn: string, transactionNo: string): string {
  return `BL-${paidOn.replaceAll('-', '').slice(2)}-${transactionNo}`;
}
