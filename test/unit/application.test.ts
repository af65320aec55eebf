import { describe, expect, it } from 'vitest';
import {
  applicantSchema,
  type DossierApplicationInput,
  dossierApplicationSchema,
} from '../../domain/application.js';
import { APPLICANT_TYPES, SUBMISSION_METHODS } from '../../domain/catalogue.js';
import { checkCompleteness } from '../../domain/completeness.js';
import { formatZodError, parseOrThrow, ValidationError } from '../../domain/validation.js';
import { getProcedure } from '../../rules/catalogue-loader.js';

const citizenApplication: DossierApplicationInput = {
  requestId: 'req-2026-04-23-0001',
  procedureCode: '1.001193',
  applicant: {
    type: 'citizen',
    fullName: 'Nguyễn Văn An',
    idNumber: '051090001234',
    dateOfBirth: '1990-05-17',
    phone: '0912345678',
    email: 'an.nguyen@example.vn',
  },
  channel: 'counter',
  receivingUnit: '000.01.41.H99',
  competentAgency: '000.00.41.H99',
  submittedAt: '2026-04-23T10:00:00+07:00',
  documents: [
    { kind: 'to-khai-dang-ky-khai-sinh', form: 'paper', digitized: true },
    { kind: 'giay-chung-sinh', form: 'paper', digitized: true, pages: 1 },
    { kind: 'giay-to-tuy-than', form: 'electronic', fromDataStore: true, reusedFrom: 'kho-dmqg-123' },
  ],
};

const organisationApplication: DossierApplicationInput = {
  requestId: '7d1c2b9e-0f3a-4c55-9a1e-3f7b2c8d9e10',
  procedureCode: '2.000911',
  applicant: {
    type: 'organisation',
    name: 'Công ty TNHH Demo',
    taxCode: '4300123456',
    representative: 'Trần Thị B',
  },
  channel: 'online',
  receivingUnit: '000.01.42.H99',
  competentAgency: '000.00.42.H99',
  vneidAuthenticated: true,
  documents: [{ kind: 'du-thao-hop-dong', form: 'electronic', fileRef: 'files/abc.pdf' }],
};

function issuesOf(input: unknown): string[] {
  const result = dossierApplicationSchema.safeParse(input);
  return result.success ? [] : formatZodError(result.error);
}

describe('dossier application schema', () => {
  it('accepts a valid citizen application', () => {
    expect(issuesOf(citizenApplication)).toEqual([]);
  });

  it('accepts a valid organisation application', () => {
    expect(issuesOf(organisationApplication)).toEqual([]);
  });

  it('rejects an 11-digit personal ID, naming applicant.idNumber', () => {
    const input = {
      ...citizenApplication,
      applicant: { ...citizenApplication.applicant, idNumber: '05109000123' },
    };
    expect(issuesOf(input)).toEqual(['applicant.idNumber: must be 12 digits (Căn cước công dân)']);
  });

  it('accepts tax codes of 10 digits and 13 digits (0123456789-001 or plain)', () => {
    for (const taxCode of ['4300123456', '4300123456-001', '4300123456001']) {
      const input = { ...organisationApplication, applicant: { type: 'organisation', name: 'X', taxCode } };
      expect(issuesOf(input)).toEqual([]);
    }
    for (const taxCode of ['430012345', '4300123456-01', '4300123456_001']) {
      const input = { ...organisationApplication, applicant: { type: 'organisation', name: 'X', taxCode } };
      expect(issuesOf(input)).toEqual([
        'applicant.taxCode: must be 10 digits, or 13 digits written 0123456789-001 (mã số thuế)',
      ]);
    }
  });

  it('§1.1 / seed: an online dossier with a paper document is rejected at that document', () => {
    const input = {
      ...organisationApplication,
      documents: [
        { kind: 'du-thao-hop-dong', form: 'electronic' },
        { kind: 'giay-to-tuy-than', form: 'electronic' },
        { kind: 'ban-chinh-giay-to-quyen-so-huu', form: 'paper' },
      ],
    };
    expect(issuesOf(input)).toEqual(['documents[2].form: online dossiers take electronic documents only']);
  });

  it('reports every problem at once, including the online rule', () => {
    const input = {
      ...organisationApplication,
      requestId: 'short',
      applicant: { type: 'person', name: 'X' },
      phone: '123',
      documents: [{ kind: 'du-thao-hop-dong', form: 'paper' }],
    };
    expect(issuesOf(input)).toEqual([
      'requestId: must be 8–128 visible ASCII characters (no spaces)',
      'applicant.type: must be one of "citizen", "organisation"',
      'phone: is not a known field',
      'documents[0].form: online dossiers take electronic documents only',
    ]);
  });

  it('checks phone, email, dates and instants', () => {
    const input = {
      ...citizenApplication,
      applicant: {
        ...citizenApplication.applicant,
        phone: '12345',
        email: 'not-mail',
        dateOfBirth: '1990-02-30',
      },
      submittedAt: '2026-04-23 10:00',
    };
    expect(issuesOf(input)).toEqual([
      'applicant.dateOfBirth: must be a real calendar date in the form YYYY-MM-DD',
      'applicant.phone: must be a Vietnamese phone number: 0 or +84 followed by 9–10 digits',
      'applicant.email: must be an email address',
      'submittedAt: must be an ISO 8601 instant with an offset, e.g. 2026-04-23T10:00:00+07:00',
    ]);
  });

  it('parseOrThrow throws a ValidationError listing the issues', () => {
    const input = { ...citizenApplication, channel: 'fax' };
    let thrown: unknown;
    try {
      parseOrThrow(dossierApplicationSchema, input, 'dossier application');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues).toEqual(['channel: must be "counter", "online" or "postal"']);
    expect((thrown as ValidationError).message).toBe(
      'Invalid dossier application:\n  - channel: must be "counter", "online" or "postal"',
    );
  });
});

describe('the catalogue and the application name applicants and channels alike', () => {
  it("an applicant's type is one of the catalogue's applicant types (đối tượng thực hiện)", () => {
    expect(applicantSchema.options.map((option) => option.shape.type.value)).toEqual([...APPLICANT_TYPES]);
  });

  it("a dossier's channels are the catalogue's submission methods (ND 61 Art 16)", () => {
    expect(dossierApplicationSchema.shape.channel.options).toEqual([...SUBMISSION_METHODS]);
  });
});

describe('completeness (§1.1 Art 15(3): supplement once, completely)', () => {
  const birth = getProcedure('1.001193', '2026-04-23');

  it('a dossier with every required document is complete', () => {
    const application = parseOrThrow(dossierApplicationSchema, citizenApplication, 'application');
    expect(checkCompleteness(application, birth)).toEqual({ complete: true, missing: [] });
  });

  it('an alternative document satisfies the requirement', () => {
    const application = parseOrThrow(
      dossierApplicationSchema,
      {
        ...citizenApplication,
        documents: [
          { kind: 'to-khai-dang-ky-khai-sinh', form: 'paper' },
          { kind: 'van-ban-lam-chung-viec-sinh', form: 'paper' },
          { kind: 'giay-to-tuy-than', form: 'paper' },
        ],
      },
      'application',
    );
    expect(checkCompleteness(application, birth).complete).toBe(true);
  });

  it('lists EVERY missing required document at once, and no conditional ones', () => {
    const application = parseOrThrow(
      dossierApplicationSchema,
      { ...citizenApplication, documents: [{ kind: 'giay-to-tuy-than', form: 'paper' }] },
      'application',
    );
    expect(checkCompleteness(application, birth)).toEqual({
      complete: false,
      missing: [
        {
          kind: 'to-khai-dang-ky-khai-sinh',
          name: 'Tờ khai đăng ký khai sinh (mẫu 1.TKngkkhaisinh; biểu mẫu điện tử tương tác khi nộp trực tuyến)',
        },
        {
          kind: 'giay-chung-sinh',
          name: 'Giấy chứng sinh (hoặc văn bản của người làm chứng, hoặc giấy cam đoan về việc sinh)',
        },
      ],
    });
  });

  it('refuses to check an application against another procedure', () => {
    const application = parseOrThrow(dossierApplicationSchema, citizenApplication, 'application');
    expect(() => checkCompleteness(application, getProcedure('1.000656', '2026-04-23'))).toThrow(
      /Application is for procedure 1.001193, not 1.000656/,
    );
  });
});

describe('the applicant’s notification channel (ND 224/2026 Art 15)', () => {
  it('SMS needs a phone, e-mail an address; none (or absent) needs nothing', () => {
    const base = citizenApplication;
    const withoutContacts = { ...base, applicant: { ...base.applicant, phone: undefined, email: undefined } };
    const issuesOf = (value: unknown) => {
      const result = dossierApplicationSchema.safeParse(value);
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issuesOf({ ...withoutContacts, notificationChannel: 'sms' })).toEqual([
      'notificationChannel: SMS needs the applicant’s phone number (applicant.phone)',
    ]);
    expect(issuesOf({ ...withoutContacts, notificationChannel: 'email' })).toEqual([
      'notificationChannel: e-mail needs the applicant’s e-mail address (applicant.email)',
    ]);
    expect(issuesOf({ ...withoutContacts, notificationChannel: 'none' })).toEqual([]);
    expect(issuesOf(withoutContacts)).toEqual([]);
    expect(
      issuesOf({
        ...base,
        applicant: { ...base.applicant, phone: '0905123456' },
        notificationChannel: 'sms',
      }),
    ).toEqual([]);
    expect(issuesOf({ ...base, notificationChannel: 'fax' })[0]).toContain(
      'must be "sms", "email" or "none"',
    );
  });
});
