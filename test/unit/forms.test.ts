import { afterEach, describe, expect, it } from 'vitest';
import {
  buildApology,
  buildControlSheet,
  buildReceipt,
  buildRefusal,
  buildStopNotice,
  buildSupplementationRequest,
  stepResult,
} from '../../domain/forms/form-builders.js';
import type { BuiltFormKind, FormData } from '../../domain/forms/form-data.js';
import type {
  ApologyInput,
  ControlSheetInput,
  ReceiptInput,
  RefusalInput,
  StopNoticeInput,
  SupplementationRequestInput,
} from '../../domain/forms/form-inputs.js';
import { labels } from '../../domain/forms/form-labels.js';
import {
  FORM_KINDS,
  FormError,
  FormNotInSetError,
  formSetById,
  formSetFor,
  formSets,
  formSpec,
} from '../../domain/forms/form-sets.js';
import { atCivilTime } from '../../domain/time.js';

const unit = { code: '000.00.15.H57', name: 'Trung tâm Phục vụ hành chính công tỉnh' };
const agency = { code: '000.00.20.H57', name: 'Sở Xây dựng' };
const applicant = { displayName: 'Nguyễn Văn An', address: 'Phường Thuận Hóa, thành phố Huế' };
const procedure = { code: '1.009972', name: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ' };
const officer = { name: 'Trần Thị Bình' };
const signer = { name: 'Lê Văn Cường', title: 'KT. Giám đốc' };

/** 23/04/2026 10:05 Vietnam time = 03:05 UTC. */
const receivedAt = atCivilTime('2026-04-23', '10:05');

function receiptInput(overrides: Partial<ReceiptInput> = {}): ReceiptInput {
  return {
    dossierCode: '000.00.15.H57-260423-0007',
    receivingUnit: unit,
    applicant,
    procedure,
    documents: [
      { name: 'Đơn đề nghị cấp giấy phép xây dựng', form: 'paper', copies: 1, digitized: true },
      { name: 'Bản vẽ thiết kế xây dựng', form: 'electronic', reused: true },
    ],
    statutoryDuration: '15 ngày làm việc',
    receivedAt,
    appointmentDate: '2026-05-15',
    appointmentTime: '14:00',
    returnPlace: 'Quầy số 3, Trung tâm Phục vụ hành chính công tỉnh',
    officer,
    issuedAt: receivedAt,
    ...overrides,
  };
}

function supplementationInput(
  overrides: Partial<SupplementationRequestInput> = {},
): SupplementationRequestInput {
  return {
    dossierCode: '000.00.15.H57-260423-0007',
    phase: 'processing',
    receivingUnit: unit,
    applicant,
    procedure,
    items: [
      { name: 'Bản vẽ mặt bằng móng', reason: 'Thiếu chữ ký của đơn vị thiết kế', form: 'paper' },
      { name: 'Giấy chứng nhận quyền sử dụng đất', reason: 'Bản chụp không rõ số thửa' },
      { name: 'Cam kết bảo đảm an toàn công trình liền kề', reason: 'Chưa nộp' },
    ],
    officer,
    issuedAt: atCivilTime('2026-04-27', '09:00'),
    respondBy: '2026-05-11',
    ...overrides,
  };
}

function refusalInput(overrides: Partial<RefusalInput> = {}): RefusalInput {
  return {
    stage: 'intake',
    receivingUnit: unit,
    applicant,
    procedure,
    reason: 'Thửa đất nằm trong khu vực đã có quy hoạch thu hồi đất',
    officer,
    issuedAt: receivedAt,
    ...overrides,
  };
}

function apologyInput(overrides: Partial<ApologyInput> = {}): ApologyInput {
  return {
    dossierCode: '000.00.15.H57-260423-0007',
    agency,
    receivingUnit: unit,
    applicant,
    procedure,
    receivedAt,
    originalAppointmentDate: '2026-05-15',
    reason: 'Cần lấy ý kiến cơ quan quản lý quy hoạch',
    newAppointmentDate: '2026-05-22',
    signer,
    issuedAt: atCivilTime('2026-05-13', '16:30'),
    ...overrides,
  };
}

function stopNoticeInput(overrides: Partial<StopNoticeInput> = {}): StopNoticeInput {
  return {
    dossierCode: '000.00.15.H57-260423-0007',
    agency,
    applicant,
    procedure,
    reason: 'Công dân có văn bản đề nghị rút hồ sơ',
    signer,
    issuedAt: atCivilTime('2026-05-04', '08:00'),
    ...overrides,
  };
}

const oneStop = { unit, person: 'Trần Thị Bình' };
const department = { unit: agency, person: 'Phạm Văn Dũng' };

function controlSheetInput(overrides: Partial<ControlSheetInput> = {}): ControlSheetInput {
  return {
    dossierCode: '000.00.15.H57-260423-0007',
    procedure,
    receivedAt,
    appointmentDate: '2026-05-15',
    steps: [],
    ...overrides,
  };
}

describe('§0, §1.2 form sets: versioned data with an effective-from date', () => {
  it('§1.2 TT 01/2018 Art 9: in force from 06/01/2019', () => {
    expect(formSetFor('2019-01-06').id).toBe('TT01-2018');
    expect(formSetFor('2025-06-30').id).toBe('TT01-2018');
  });

  it('§0 TT 03/2025 replaces TT 01/2018 from 01/7/2025 (effective date marked UNCONFIRMED)', () => {
    expect(formSetFor('2025-07-01').id).toBe('TT03-2025');
    expect(formSetFor('2026-12-31').id).toBe('TT03-2025');
    const tt03 = formSetById('TT03-2025');
    expect(tt03.effectiveFrom).toBe('2025-07-01');
    expect(tt03.unconfirmed.map((u) => u.path)).toContain('effectiveFrom');
  });

  it('§0 before the earliest set there is no form set in force: an error, not a fallback', () => {
    expect(() => formSetFor('2018-12-31')).toThrow(FormError);
    expect(() => formSetFor('2018-12-31')).toThrow(/no form set in force on 2018-12-31/);
    expect(() => formSetFor('2026-02-30')).toThrow(FormError);
  });

  it('§1.2 the sets are ordered and carry their legal basis', () => {
    expect(formSets.map((s) => s.id)).toEqual(['TT01-2018', 'TT03-2025']);
    expect(formSetById('TT01-2018').legalBasis).toBe('Thông tư 01/2018/TT-VPCP');
    expect(formSetById('TT03-2025').legalBasis).toBe('Thông tư 03/2025/TT-VPCP');
  });

  it('§1.2 Mẫu 01/05/06 field lists are from memory: listed as unconfirmed', () => {
    const paths = formSetById('TT01-2018').unconfirmed.map((u) => u.path);
    expect(paths).toEqual(
      expect.arrayContaining(['forms.receipt.fields', 'forms.control-sheet.fields', 'forms.register.fields']),
    );
  });

  it('§1.2 numbering: apology is Mẫu 04 in both but renamed; control sheet 05 → 06; register 06 → 07', () => {
    const tt01 = formSetById('TT01-2018');
    const tt03 = formSetById('TT03-2025');
    expect(formSpec(tt01, 'apology')).toEqual({
      number: 'Mẫu số 04',
      title: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
      paper: 'A5',
    });
    expect(formSpec(tt03, 'apology')).toEqual({
      number: 'Mẫu số 04',
      title: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết',
      paper: 'A5',
    });
    expect(formSpec(tt01, 'control-sheet').number).toBe('Mẫu số 05');
    expect(formSpec(tt03, 'control-sheet').number).toBe('Mẫu số 06');
    expect(formSpec(tt01, 'register').number).toBe('Mẫu số 06');
    expect(formSpec(tt03, 'register').number).toBe('Mẫu số 07');
    expect(formSpec(tt03, 'stop-notice')).toEqual({
      number: 'Mẫu số 05',
      title: 'Thông báo dừng giải quyết hồ sơ',
      paper: 'A5',
    });
  });

  it('§1.2 TT 01/2018 Art 9: A5 for all forms, A4 for the register', () => {
    for (const set of formSets) {
      for (const kind of FORM_KINDS) {
        const spec = set.forms[kind];
        if (spec) expect(spec.paper).toBe(kind === 'register' ? 'A4' : 'A5');
      }
    }
  });

  it('§1.2 a built form uses the set in force when the dossier was received', () => {
    const tt01 = buildApology(
      apologyInput({
        receivedAt: atCivilTime('2025-06-30', '16:00'),
        originalAppointmentDate: '2025-07-10',
        newAppointmentDate: '2025-07-17',
        issuedAt: atCivilTime('2025-07-09', '09:00'),
      }),
    );
    expect(tt01.formSet).toBe('TT01-2018');
    expect(tt01.title).toBe('Phiếu xin lỗi và hẹn lại ngày trả kết quả');
    const tt03 = buildApology(apologyInput());
    expect(tt03.formSet).toBe('TT03-2025');
    expect(tt03.title).toBe('Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết');
  });

  it('§1.2 numbering differs for the control sheet between sets', () => {
    const steps = [{ from: oneStop, to: department, at: receivedAt }];
    const legacy = buildControlSheet(
      controlSheetInput({ formSet: 'TT01-2018', receivedAt: atCivilTime('2024-03-01', '08:00'), steps }),
    );
    const current = buildControlSheet(controlSheetInput({ steps }));
    expect(legacy.number).toBe('Mẫu số 05');
    expect(current.number).toBe('Mẫu số 06');
  });
});

describe('§1.1 step 3 Art 17(1)(c), 17(3); §1.2 Mẫu 01: receipt', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('§1.2 Mẫu 01: dossier code, applicant, TTHC, numbered documents, duration, times, place', () => {
    const form = buildReceipt(receiptInput());
    expect(form).toEqual({
      kind: 'receipt',
      formSet: 'TT03-2025',
      legalBasis: 'Thông tư 03/2025/TT-VPCP',
      number: 'Mẫu số 01',
      title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      paper: 'A5',
      issuedAt: '2026-04-23T10:05:00+07:00',
      issuedDate: '23/04/2026',
      issuingUnit: unit,
      fields: {
        dossierCode: '000.00.15.H57-260423-0007',
        applicantName: 'Nguyễn Văn An',
        applicantAddress: 'Phường Thuận Hóa, thành phố Huế',
        procedureCode: '1.009972',
        procedureName: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ',
        documentCount: 2,
        statutoryDuration: '15 ngày làm việc',
        receivedAt: { iso: '2026-04-23T10:05:00+07:00', date: '23/04/2026', time: '10:05' },
        appointmentDate: { iso: '2026-05-15', date: '15/05/2026' },
        appointmentTime: '14:00',
        returnPlace: 'Quầy số 3, Trung tâm Phục vụ hành chính công tỉnh',
        officerName: 'Trần Thị Bình',
      },
      lines: [
        {
          no: 1,
          name: 'Đơn đề nghị cấp giấy phép xây dựng',
          form: { code: 'paper', text: 'Bản giấy' },
          copies: 1,
          digitized: true,
        },
        {
          no: 2,
          name: 'Bản vẽ thiết kế xây dựng',
          form: { code: 'electronic', text: 'Bản điện tử' },
          reused: true,
        },
      ],
    });
  });

  it.each(['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati'])(
    '§1.4 dates and times are Vietnam time whatever process.env.TZ is (%s)',
    (tz) => {
      process.env.TZ = tz;
      // 23:30 on 30/04/2026 in Vietnam is still 30/04 in Vietnam but 16:30 UTC, 09:30 in LA.
      const late = atCivilTime('2026-04-30', '23:30');
      const form = buildReceipt(receiptInput({ receivedAt: late, issuedAt: late }));
      expect(form.fields.receivedAt).toEqual({
        iso: '2026-04-30T23:30:00+07:00',
        date: '30/04/2026',
        time: '23:30',
      });
      expect(form.issuedAt).toBe('2026-04-30T23:30:00+07:00');
      expect(form.issuedDate).toBe('30/04/2026');
    },
  );

  it('§1.2 the form data is plain JSON', () => {
    const form = buildReceipt(receiptInput());
    expect(JSON.parse(JSON.stringify(form))).toEqual(form);
  });

  it('§1.1 step 3: an appointment before receipt and an empty document list are refused', () => {
    expect(() => buildReceipt(receiptInput({ appointmentDate: '2026-04-22' }))).toThrow(/before the date/);
    expect(() =>
      buildReceipt(receiptInput({ appointmentDate: '2026-04-23', appointmentTime: '09:00' })),
    ).toThrow(FormError);
    expect(() => buildReceipt(receiptInput({ appointmentTime: '2pm' }))).toThrow(FormError);
    expect(() => buildReceipt(receiptInput({ documents: [] }))).toThrow(/at least one document/);
    expect(() => buildReceipt(receiptInput({ dossierCode: '  ' }))).toThrow(/dossierCode must not be empty/);
  });

  it('§1.2 a receipt for a dossier received under TT 01/2018 cites that circular', () => {
    const at = atCivilTime('2024-03-01', '08:00');
    const form = buildReceipt(receiptInput({ receivedAt: at, issuedAt: at, appointmentDate: '2024-03-05' }));
    expect(form.formSet).toBe('TT01-2018');
    expect(form.legalBasis).toBe('Thông tư 01/2018/TT-VPCP');
  });
});

describe('§1.1 Art 15(3), 17(1)(a), 19(4); §1.2 Mẫu 02: supplementation request', () => {
  it('§1.1 Art 15(3): all items at once, numbered 1..n', () => {
    const form = buildSupplementationRequest(supplementationInput());
    expect(form.number).toBe('Mẫu số 02');
    expect(form.title).toBe('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ');
    expect(form.lines.map((l) => l.no)).toEqual([1, 2, 3]);
    expect(form.lines[0]).toEqual({
      no: 1,
      name: 'Bản vẽ mặt bằng móng',
      reason: 'Thiếu chữ ký của đơn vị thiết kế',
      form: { code: 'paper', text: 'Bản giấy' },
    });
    expect(form.lines[1]).not.toHaveProperty('form');
    expect(form.fields.itemCount).toBe(3);
    expect(form.fields.phase).toEqual({ code: 'processing', text: 'Trong quá trình giải quyết hồ sơ' });
    expect(form.fields.respondBy).toEqual({ iso: '2026-05-11', date: '11/05/2026' });
    expect(form.fields.officerName).toBe('Trần Thị Bình');
  });

  it('§1.1 Art 15(3): an empty item list is rejected', () => {
    expect(() => buildSupplementationRequest(supplementationInput({ items: [] }))).toThrow(
      /at least one item.*Art 15\(3\)/,
    );
  });

  it('§1.1 Art 17(1)(a): at intake the dossier code may not exist yet', () => {
    const form = buildSupplementationRequest(
      supplementationInput({ phase: 'intake', dossierCode: undefined }),
    );
    expect(form.fields).not.toHaveProperty('dossierCode');
    expect(form.fields.phase.code).toBe('intake');
  });

  it('§1.1 Art 19(4): an item without a reason is rejected', () => {
    expect(() =>
      buildSupplementationRequest(supplementationInput({ items: [{ name: 'Bản vẽ', reason: '' }] })),
    ).toThrow(/items\[0\]\.reason/);
  });
});

describe('§1.1 Art 17(1)(b), 19(8); §1.2 Mẫu 03: refusal', () => {
  it('§1.2 Mẫu 03: applicant, TTHC and the specific reason', () => {
    const form = buildRefusal(refusalInput({ stage: 'after-appraisal', dossierCode: 'X-1' }));
    expect(form.number).toBe('Mẫu số 03');
    expect(form.title).toBe('Phiếu từ chối tiếp nhận giải quyết hồ sơ');
    expect(form.fields.reason).toBe('Thửa đất nằm trong khu vực đã có quy hoạch thu hồi đất');
    expect(form.fields.stage).toEqual({ code: 'after-appraisal', text: 'Từ chối sau khi thẩm định hồ sơ' });
  });

  it('§1.2 Mẫu 03: a refusal without a reason is rejected', () => {
    expect(() => buildRefusal(refusalInput({ reason: '' }))).toThrow(/reason must not be empty/);
    expect(() => buildRefusal(refusalInput({ reason: '   ' }))).toThrow(FormError);
  });
});

describe('§1.1 Art 19(9); §1.2 Mẫu 04: apology and new appointment', () => {
  it('§1.2 Mẫu 04: dates received and due, reason, new date, signed by the head of the agency', () => {
    const form = buildApology(apologyInput());
    expect(form.issuingUnit).toEqual(agency);
    expect(form.fields).toEqual({
      dossierCode: '000.00.15.H57-260423-0007',
      receivingUnit: unit,
      applicantName: 'Nguyễn Văn An',
      applicantAddress: 'Phường Thuận Hóa, thành phố Huế',
      procedureCode: '1.009972',
      procedureName: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ',
      receivedAt: { iso: '2026-04-23T10:05:00+07:00', date: '23/04/2026', time: '10:05' },
      originalAppointmentDate: { iso: '2026-05-15', date: '15/05/2026' },
      reason: 'Cần lấy ý kiến cơ quan quản lý quy hoạch',
      newAppointmentDate: { iso: '2026-05-22', date: '22/05/2026' },
      signerTitle: 'KT. Giám đốc',
      signerName: 'Lê Văn Cường',
    });
    expect(form.issuedAt).toBe('2026-05-13T16:30:00+07:00');
  });

  it('§1.1 Art 19(9): a new date on or before the original is rejected', () => {
    expect(() => buildApology(apologyInput({ newAppointmentDate: '2026-05-14' }))).toThrow(
      /must be after the original appointment 2026-05-15/,
    );
    expect(() => buildApology(apologyInput({ newAppointmentDate: '2026-05-15' }))).toThrow(FormError);
  });
});

describe('§1.2 TT 03/2025 Mẫu 05: stop notice', () => {
  it('§1.2 TT 03/2025 Mẫu 05: built under TT 03/2025', () => {
    const form = buildStopNotice(stopNoticeInput());
    expect(form.number).toBe('Mẫu số 05');
    expect(form.title).toBe('Thông báo dừng giải quyết hồ sơ');
    expect(form.fields.reason).toBe('Công dân có văn bản đề nghị rút hồ sơ');
    expect(form.fields.signerTitle).toBe('KT. Giám đốc');
  });

  it('§1.2 TT 01/2018 has no stop notice: FormNotInSetError naming the set that has one', () => {
    const pinned = () => buildStopNotice(stopNoticeInput({ formSet: 'TT01-2018' }));
    expect(pinned).toThrow(FormNotInSetError);
    expect(pinned).toThrow(/TT01-2018 .* has no "stop-notice" form; it exists in TT03-2025/);
    expect(() => buildStopNotice(stopNoticeInput({ issuedAt: atCivilTime('2024-01-10', '09:00') }))).toThrow(
      FormNotInSetError,
    );
    expect(() => formSpec(formSetById('TT01-2018'), 'stop-notice')).toThrow(FormNotInSetError);
  });
});

describe('§1.2 TT01 Mẫu 05 / TT03 Mẫu 06: control sheet', () => {
  const dueAt = atCivilTime('2026-04-25', '00:00'); // 24:00 of 24/04, as deadline.ts endOfCivilDay

  it.each([
    ['an earlier day', atCivilTime('2026-04-23', '16:00'), 'trước hạn'],
    ['the due day', atCivilTime('2026-04-24', '23:59'), 'đúng hạn'],
    ['24:00 of the due day', dueAt, 'quá hạn'],
    ['a later day', atCivilTime('2026-04-27', '08:00'), 'quá hạn'],
  ] as const)('§1.2 result computed from handover time vs due time: %s → %s', (_, at, expected) => {
    expect(stepResult(at, dueAt)).toBe(expected);
  });

  it('§1.2 step results computed when not given, kept when given', () => {
    const form = buildControlSheet(
      controlSheetInput({
        steps: [
          { from: oneStop, to: department, at: atCivilTime('2026-04-23', '14:00'), dueAt },
          {
            from: department,
            to: { unit: agency, person: 'Lãnh đạo phòng' },
            at: atCivilTime('2026-05-16', '09:00'),
            dueAt: atCivilTime('2026-05-14', '17:00'),
            note: 'Chờ ý kiến quy hoạch',
          },
          { from: department, to: oneStop, at: atCivilTime('2026-05-18', '08:00'), result: 'đúng hạn' },
          { from: oneStop, to: oneStop, at: atCivilTime('2026-05-18', '09:00') },
        ],
      }),
    );
    expect(form.issuingUnit).toEqual(unit);
    expect(form.issuedAt).toBe('2026-04-23T10:05:00+07:00');
    expect(form.lines.map((l) => [l.no, l.result, l.resultComputed])).toEqual([
      [1, 'trước hạn', true],
      [2, 'quá hạn', true],
      [3, 'đúng hạn', false],
      [4, undefined, undefined],
    ]);
    expect(form.lines[0]).toEqual({
      no: 1,
      fromUnit: unit,
      fromPerson: 'Trần Thị Bình',
      toUnit: agency,
      toPerson: 'Phạm Văn Dũng',
      handedOverAt: { iso: '2026-04-23T14:00:00+07:00', date: '23/04/2026', time: '14:00' },
      dueAt: { iso: '2026-04-25T00:00:00+07:00', date: '25/04/2026', time: '00:00' },
      result: 'trước hạn',
      resultComputed: true,
    });
    expect(form.lines[1]?.note).toBe('Chờ ý kiến quy hoạch');
    expect(form.fields.appointmentDate).toEqual({ iso: '2026-05-15', date: '15/05/2026' });
  });

  it('§1.2 a control sheet with no step needs its issuing unit', () => {
    expect(() => buildControlSheet(controlSheetInput())).toThrow(/receivingUnit or at least one step/);
    expect(buildControlSheet(controlSheetInput({ receivingUnit: unit })).lines).toEqual([]);
  });
});

describe('§1.2 labels for renderers', () => {
  it('§1.2 every field and line column of every built form has a Vietnamese label', () => {
    const forms: FormData[] = [
      buildReceipt(receiptInput()),
      buildSupplementationRequest(supplementationInput()),
      buildRefusal(refusalInput({ dossierCode: 'X-1' })),
      buildApology(apologyInput()),
      buildStopNotice(stopNoticeInput()),
      buildControlSheet(
        controlSheetInput({
          steps: [{ from: oneStop, to: department, at: receivedAt, dueAt: receivedAt + 1, note: 'n' }],
        }),
      ),
    ];
    for (const form of forms) {
      const kindLabels: Record<string, string> = labels[form.kind as BuiltFormKind];
      const keys = [
        ...Object.keys(form.fields),
        ...('lines' in form ? form.lines.flatMap((line) => Object.keys(line)) : []),
      ];
      for (const key of keys) expect(kindLabels[key], `${form.kind}.${key}`).toMatch(/\S/);
    }
  });
});
