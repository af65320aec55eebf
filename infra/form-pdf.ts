/**
 * The statutory forms (domain/forms: Mẫu 01–05) and the payment receipt (biên lai) as PDF files
 * for the citizen: the same data and labels the console prints, laid out on the form's paper size.
 */
import type { FormData } from '../domain/forms/form-data.js';
import { labels } from '../domain/forms/form-labels.js';
import { PdfDocument } from './pdf-document.js';

/** A field's value as printed: text, a coded value's text, a date, a unit's name. */
function printed(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'Có' : 'Không';
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.text === 'string') return v.text;
    if (typeof v.time === 'string' && typeof v.date === 'string') return `${v.time} ngày ${v.date}`;
    if (typeof v.date === 'string') return v.date;
    if (typeof v.name === 'string') return v.name;
  }
  return JSON.stringify(value);
}

function header(pdf: PdfDocument, issuingUnit: string): void {
  pdf.text(issuingUnit.toUpperCase(), { size: 9, bold: true });
  pdf.text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { size: 10, bold: true, align: 'center' });
  pdf.text('Độc lập - Tự do - Hạnh phúc', { size: 10, align: 'center' });
  pdf.rule();
}

export function formPdf(form: FormData): Buffer {
  const pdf = new PdfDocument(form.paper === 'A4' ? 'A4' : 'A5');
  header(pdf, form.issuingUnit.name);
  if (form.documentNumber) pdf.text(`Số: ${form.documentNumber}`, { size: 9 });
  pdf.text(`${form.issuedDate}`, { size: 9, align: 'right' });
  pdf.gap(4);
  pdf.text(form.title.toUpperCase(), { size: 12, bold: true, align: 'center' });
  pdf.text(`${form.number} — ${form.legalBasis}`, { size: 8, align: 'center' });
  pdf.gap(6);
  const names = labels[form.kind] as Record<string, string>;
  for (const [key, value] of Object.entries(form.fields)) {
    const text = printed(value);
    if (text !== undefined) pdf.text(`${names[key] ?? key}: ${text}`, { size: 10 });
  }
  const lines = (form as { lines?: Array<Record<string, unknown>> }).lines ?? [];
  if (lines.length > 0) {
    pdf.gap(6);
    for (const line of lines) {
      const parts = Object.entries(line)
        .filter(([key]) => key !== 'no' && key !== 'resultComputed')
        .map(([key, value]) => [names[key] ?? key, printed(value)] as const)
        .filter(([, text]) => text !== undefined);
      const [first, ...rest] = parts;
      pdf.text(`${line.no}. ${first?.[1] ?? ''}`, { size: 10 });
      for (const [label, text] of rest) pdf.text(`${label}: ${text}`, { size: 9, indent: 14 });
    }
  }
  pdf.gap(10);
  pdf.text('Văn bản điện tử được cấp qua Dịch vụ công trực tuyến.', { size: 8 });
  return pdf.build();
}

export interface PaymentReceipt {
  receiptNo: string;
  merchantName: string;
  dossierCode: string;
  procedure: { code: string; name: string };
  fees: Array<{ name: string; amountVnd: number }>;
  amountVnd: number;
  paidAt: string;
  transactionNo: string;
  bankCode?: string;
  txnRef: string;
}

const vnd = (n: number) => `${n.toLocaleString('vi-VN')} đồng`;

/** Biên lai thu phí, lệ phí điện tử: what was paid, for which dossier, through which transaction. */
export function paymentReceiptPdf(receipt: PaymentReceipt): Buffer {
  const pdf = new PdfDocument('A5');
  header(pdf, receipt.merchantName);
  pdf.text('BIÊN LAI THU PHÍ, LỆ PHÍ', { size: 13, bold: true, align: 'center' });
  pdf.text('(Biên lai điện tử - thanh toán trực tuyến)', { size: 9, align: 'center' });
  pdf.gap(6);
  pdf.text(`Số biên lai: ${receipt.receiptNo}`);
  pdf.text(`Mã hồ sơ: ${receipt.dossierCode}`);
  pdf.text(`Thủ tục: ${receipt.procedure.name} (${receipt.procedure.code})`);
  for (const fee of receipt.fees) pdf.text(`${fee.name}: ${vnd(fee.amountVnd)}`, { indent: 10 });
  pdf.text(`Tổng số tiền đã nộp: ${vnd(receipt.amountVnd)}`, { bold: true });
  pdf.text(`Thời gian thanh toán: ${receipt.paidAt}`);
  pdf.text(
    `Hình thức: Thanh toán trực tuyến qua cổng thanh toán của tỉnh${receipt.bankCode ? ` (${receipt.bankCode})` : ''}`,
  );
  pdf.text(`Mã giao dịch cổng thanh toán: ${receipt.transactionNo}; mã đơn hàng: ${receipt.txnRef}`);
  pdf.gap(10);
  pdf.text('Biên lai được lập tự động khi cổng thanh toán xác nhận giao dịch (ND 61/2018 Điều 22).', {
    size: 8,
  });
  return pdf.build();
}

export interface ResultRendering {
  dossierCode: string;
  procedure: { code: string; name: string };
  resultName: string;
  kind: 'approval' | 'refusal';
  text: string;
  agencyName: string;
  signedBy: string;
  signedAt: string;
  sha256: string;
  publicKeyFingerprint?: string;
}

/** A readable copy of the signed e-result, naming the signed file's hash and the signing unit. */
export function resultPdf(result: ResultRendering): Buffer {
  const pdf = new PdfDocument('A4');
  header(pdf, result.agencyName);
  pdf.text(
    result.kind === 'approval' ? result.resultName.toUpperCase() : 'THÔNG BÁO TỪ CHỐI GIẢI QUYẾT HỒ SƠ',
    {
      size: 14,
      bold: true,
      align: 'center',
    },
  );
  pdf.gap(6);
  pdf.text(`Mã hồ sơ: ${result.dossierCode}`);
  pdf.text(`Thủ tục: ${result.procedure.name} (${result.procedure.code})`);
  pdf.text(result.text);
  pdf.gap(10);
  pdf.text('Chữ ký số của cơ quan giải quyết', { bold: true });
  pdf.text(`Đơn vị ký: ${result.signedBy}; thời điểm ký: ${result.signedAt}`, { size: 9 });
  pdf.text(`Mã băm SHA-256 của văn bản điện tử đã ký: ${result.sha256}`, { size: 8 });
  if (result.publicKeyFingerprint)
    pdf.text(`Dấu vân tay khóa công khai: ${result.publicKeyFingerprint}`, { size: 8 });
  return pdf.build();
}
