/**
 * The e-form of a procedure and a citizen's draft becoming an application (domain/citizen-drafts.ts):
 * the fields come from the application schema, the errors are beside the fields in Vietnamese,
 * every one at once, and a complete draft passes the same schema as every application.
 */
import { describe, expect, it } from 'vitest';
import { dossierApplicationSchema } from '../../domain/application.js';
import { applicationOfDraft, type Draft, eFormOf } from '../../domain/citizen-drafts.js';
import { getProcedure } from '../../rules/catalogue-loader.js';
import { demoUnits } from '../support/fixtures.js';

const procedure = getProcedure('1.004222', '2026-12-07');
const ref = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

function draft(overrides: Partial<Draft> = {}): Draft {
  return {
    id: 'draft-0123456789abcdef01234567',
    procedureCode: procedure.code,
    applicant: {},
    documents: [],
    createdAt: '2026-12-07T10:00:00+07:00',
    updatedAt: '2026-12-07T10:00:00+07:00',
    ...overrides,
  };
}

describe('citizen drafts', () => {
  it('the e-form names the fields in Vietnamese and marks what the schema requires', () => {
    const form = eFormOf(procedure);
    expect(form.fields.find((f) => f.name === 'applicant.fullName')).toMatchObject({
      label: 'Họ, chữ đệm và tên',
      required: true,
    });
    expect(form.fields.find((f) => f.name === 'applicant.email')?.required).toBe(false);
    expect(form.documents.filter((d) => d.required).map((d) => d.kind)).toEqual([
      'to-khai-thay-doi-thong-tin-cu-tru',
      'giay-to-chung-minh-cho-o-hop-phap',
    ]);
    expect(form.feeOnlineVnd).toBe(10_000);
    expect(form.accepts).toEqual(['application/pdf', 'image/jpeg', 'image/png']);
  });

  it('an empty draft gets every error at once, beside its field', () => {
    const { application, errors } = applicationOfDraft(
      draft(),
      { idNumber: '044090001234' },
      procedure,
      'draft-x-1',
    );
    expect(application).toBeUndefined();
    const fields = errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'applicant.fullName',
        'receivingUnit',
        'competentAgency',
        'documents.to-khai-thay-doi-thong-tin-cu-tru',
        'documents.giay-to-chung-minh-cho-o-hop-phap',
      ]),
    );
    expect(errors.find((e) => e.field === 'applicant.fullName')?.message).toBe(
      'Vui lòng nhập họ, chữ đệm và tên',
    );
  });

  it('SMS notices need a phone number', () => {
    const { errors } = applicationOfDraft(
      draft({ notificationChannel: 'sms', applicant: { fullName: 'Nguyễn Văn An' } }),
      { idNumber: '044090001234' },
      procedure,
      'draft-x-1',
    );
    expect(errors.map((e) => e.message)).toContain('Nhận thông báo qua SMS cần số điện thoại');
  });

  it('a complete draft is an online application the schema accepts, with the signed-in ID number', () => {
    const { application, errors } = applicationOfDraft(
      draft({
        receivingUnit: demoUnits.camThanhOneStop,
        competentAgency: demoUnits.camThanhCommittee,
        applicant: { fullName: 'Nguyễn Văn An', phone: '0912345678', address: 'Số 1 Lê Lợi' },
        documents: [
          {
            kind: 'to-khai-thay-doi-thong-tin-cu-tru',
            ref: ref(1),
            name: 'to-khai.pdf',
            mediaType: 'application/pdf',
            size: 10,
          },
          {
            kind: 'giay-to-chung-minh-cho-o-hop-phap',
            ref: ref(2),
            name: 'cho-o.png',
            mediaType: 'image/png',
            size: 10,
            reused: true,
          },
        ],
      }),
      { idNumber: '044090001234' },
      procedure,
      'draft-0123456789abcdef01234567',
    );
    expect(errors).toEqual([]);
    const parsed = dossierApplicationSchema.parse(application);
    expect(parsed).toMatchObject({
      channel: 'online',
      vneidAuthenticated: true,
      applicant: { type: 'citizen', idNumber: '044090001234', fullName: 'Nguyễn Văn An' },
    });
    expect(parsed.documents.map((d) => d.fileRef)).toEqual([ref(1), ref(2)]);
    expect(parsed.documents[1]).toMatchObject({ reusedFrom: ref(2) });
  });
});
