/** The statutory form sets (TT 01/2018, TT 03/2025): which forms each has, from when, on what paper. */
import { type CivilDate, parseCivilDate } from '../time.js';

export const FORM_KINDS = [
  'receipt',
  'supplementation-request',
  'refusal',
  'apology',
  'stop-notice',
  'control-sheet',
  'register',
] as const;
export type FormKind = (typeof FORM_KINDS)[number];

export type FormSetId = 'TT01-2018' | 'TT03-2025';
export type PaperSize = 'A5' | 'A4';

export interface FormSpec {
  /** As printed in the top corner, e.g. 'Mẫu số 01'. */
  readonly number: string;
  /** Official Vietnamese title. */
  readonly title: string;
  readonly paper: PaperSize;
}

/** Something in a form set not verified in a primary text (DOMAIN.md marker UNCONFIRMED). */
export interface UnconfirmedItem {
  /** What is unconfirmed, e.g. 'effectiveFrom' or 'forms.receipt.fields'. */
  readonly path: string;
  readonly note: string;
}

export interface FormSet {
  readonly id: FormSetId;
  readonly effectiveFrom: CivilDate;
  readonly legalBasis: string;
  readonly forms: Readonly<Partial<Record<FormKind, FormSpec>>>;
  readonly unconfirmed: readonly UnconfirmedItem[];
}

/** Form sets in ascending order of effectiveFrom (DOMAIN.md §0, §1.2). */
export const formSets: readonly FormSet[] = [
  {
    id: 'TT01-2018',
    effectiveFrom: '2019-01-06',
    legalBasis: 'Thông tư 01/2018/TT-VPCP',
    forms: {
      receipt: { number: 'Mẫu số 01', title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', paper: 'A5' },
      'supplementation-request': {
        number: 'Mẫu số 02',
        title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
        paper: 'A5',
      },
      refusal: { number: 'Mẫu số 03', title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', paper: 'A5' },
      apology: { number: 'Mẫu số 04', title: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả', paper: 'A5' },
      'control-sheet': {
        number: 'Mẫu số 05',
        title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
        paper: 'A5',
      },
      register: { number: 'Mẫu số 06', title: 'Sổ theo dõi hồ sơ', paper: 'A4' },
    },
    unconfirmed: [
      { path: 'forms.receipt.fields', note: 'Mẫu 01 field list from memory of the Phụ lục (DOMAIN.md §1.2)' },
      { path: 'forms.control-sheet.fields', note: 'Mẫu 05 field list UNCONFIRMED (DOMAIN.md §1.2)' },
      { path: 'forms.register.fields', note: 'Mẫu 06 field list UNCONFIRMED (DOMAIN.md §1.2)' },
    ],
  },
  {
    id: 'TT03-2025',
    // UNCONFIRMED: assumed to apply with ND 118/2025 from 01/7/2025 (DOMAIN.md §0).
    effectiveFrom: '2025-07-01',
    legalBasis: 'Thông tư 03/2025/TT-VPCP',
    forms: {
      receipt: { number: 'Mẫu số 01', title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', paper: 'A5' },
      'supplementation-request': {
        number: 'Mẫu số 02',
        title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
        paper: 'A5',
      },
      refusal: { number: 'Mẫu số 03', title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', paper: 'A5' },
      apology: {
        number: 'Mẫu số 04',
        title: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết',
        paper: 'A5',
      },
      'stop-notice': { number: 'Mẫu số 05', title: 'Thông báo dừng giải quyết hồ sơ', paper: 'A5' },
      'control-sheet': {
        number: 'Mẫu số 06',
        title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
        paper: 'A5',
      },
      register: { number: 'Mẫu số 07', title: 'Sổ theo dõi hồ sơ', paper: 'A4' },
    },
    unconfirmed: [
      {
        path: 'effectiveFrom',
        note: 'assumed 01/7/2025 together with ND 118/2025; not read in the circular (DOMAIN.md §0)',
      },
      {
        path: 'forms',
        note: 'Phụ lục I numbers and titles from a secondary source, not the primary text (DOMAIN.md §1.2)',
      },
      { path: 'forms.*.paper', note: 'paper sizes assumed unchanged from TT 01/2018 Art 9' },
      { path: 'forms.receipt.fields', note: 'Mẫu 01 fields assumed as TT 01/2018 Mẫu 01 (from memory)' },
      { path: 'forms.apology.fields', note: 'Mẫu 04 fields assumed as TT 01/2018 Mẫu 04 despite the rename' },
      { path: 'forms.stop-notice.fields', note: 'Mẫu 05 is new; its field list is assumed' },
      { path: 'forms.control-sheet.fields', note: 'Mẫu 06 fields assumed as TT 01/2018 Mẫu 05' },
      { path: 'forms.register.fields', note: 'Mẫu 07 fields assumed as TT 01/2018 Mẫu 06' },
    ],
  },
];

export class FormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormError';
  }
}

/** The form set has no form of this kind (e.g. the stop notice under TT01-2018). */
export function checkCivilDate(path: string, value: CivilDate): void {
  try {
    parseCivilDate(value);
  } catch (error) {
    throw new FormError(`${path}: ${(error as Error).message}`);
  }
}

export class FormNotInSetError extends FormError {
  readonly formSet: FormSetId;
  readonly kind: FormKind;
  constructor(formSet: FormSetId, kind: FormKind, message: string) {
    super(message);
    this.name = 'FormNotInSetError';
    this.formSet = formSet;
    this.kind = kind;
  }
}

export function formSetById(id: FormSetId): FormSet {
  const set = formSets.find((candidate) => candidate.id === id);
  if (!set) throw new FormError(`unknown form set "${id}"; known: ${formSets.map((s) => s.id).join(', ')}`);
  return set;
}

/** The form set in force on a civil date; throws before the earliest set (no fallback). */
export function formSetFor(date: CivilDate): FormSet {
  checkCivilDate('date', date);
  let found: FormSet | undefined;
  for (const set of formSets) if (set.effectiveFrom <= date) found = set;
  if (!found) {
    const first = formSets[0];
    throw new FormError(
      `no form set in force on ${date}` +
        (first ? `: the earliest, ${first.id}, applies from ${first.effectiveFrom}` : ''),
    );
  }
  return found;
}

/** The spec of a form kind in a set, or FormNotInSetError. */
export function formSpec(set: FormSet, kind: FormKind): FormSpec {
  const spec = set.forms[kind];
  if (!spec) {
    const laterSets = formSets.filter((s) => s.forms[kind]).map((s) => `${s.id} (${s.legalBasis})`);
    throw new FormNotInSetError(
      set.id,
      kind,
      `form set ${set.id} (${set.legalBasis}) has no "${kind}" form` +
        (laterSets.length ? `; it exists in ${laterSets.join(', ')}` : ''),
    );
  }
  return spec;
}
