/**
 * Shared, pure builders for dossier tests (unit tests of the state machine and workflow tests).
 * Nothing here reads files or starts servers; load procedures and calendars with rules/*.
 * Unit codes are from data/organisations/demo.json.
 */

import type { Actor, Role } from '../../domain/actor.js';
import {
  type DossierApplication,
  type DossierApplicationInput,
  type DossierDocument,
  dossierApplicationSchema,
} from '../../domain/application.js';
import {
  type ActionInput,
  type ActionName,
  actionSchemas,
  type DossierAction,
} from '../../domain/dossier/dossier-actions.js';
import type { ResultDocument } from '../../domain/dossier/dossier-state.js';
import { type Instant, parseInstant } from '../../domain/time.js';

/** Unit codes of the demo province (data/organisations/demo.json). */
export const demoUnits = {
  /** Trung tâm phục vụ hành chính công Phường Cẩm Thành (commune one-stop centre). */
  camThanhOneStop: '000.01.41.H99',
  /** UBND Phường Cẩm Thành (commune people's committee, the competent agency for cấp xã procedures). */
  camThanhCommittee: '000.00.41.H99',
  /** Trung tâm phục vụ hành chính công Phường Kon Tum (another commune's one-stop centre). */
  konTumOneStop: '000.01.42.H99',
  /** UBND Phường Kon Tum. */
  konTumCommittee: '000.00.42.H99',
  /** Trung tâm Phục vụ hành chính công tỉnh (province one-stop centre). */
  provinceOneStop: '000.00.01.H99',
  /** Sở Tư pháp. */
  justiceDepartment: '000.00.11.H99',
  /** Sở Xây dựng. */
  constructionDepartment: '000.00.12.H99',
} as const;

/** A Vietnam-time instant from 'YYYY-MM-DDTHH:MM' (or with seconds), e.g. vietnamInstant('2026-04-23T10:00'). */
export function vietnamInstant(localDateTime: string): Instant {
  const withSeconds = localDateTime.length === 16 ? `${localDateTime}:00` : localDateTime;
  return parseInstant(`${withSeconds}+07:00`);
}

const roleLabels: Record<Role, string> = {
  'counter-officer': 'Cán bộ một cửa',
  specialist: 'Chuyên viên',
  leader: 'Lãnh đạo',
  applicant: 'Người nộp hồ sơ',
  supervisor: 'Cán bộ giám sát',
  administrator: 'Quản trị hệ thống',
};

/** An actor of a role in a unit; the id defaults to `<role>@<unit>` and the name is derived from it. */
export function actor(role: Role, unit: string, id = `${role}@${unit}`): Actor {
  return { id, name: `${roleLabels[role]} ${id}`, unit, role };
}

/** The applicant of an application, as an actor (unit 'applicant'). */
export function applicantActor(application: Pick<DossierApplication, 'applicant'>): Actor {
  const { applicant } = application;
  return applicant.type === 'citizen'
    ? { id: applicant.idNumber, name: applicant.fullName, unit: 'applicant', role: 'applicant' }
    : { id: applicant.taxCode, name: applicant.name, unit: 'applicant', role: 'applicant' };
}

/**
 * The documents a complete 1.001612 (Đăng ký thành lập hộ kinh doanh) dossier carries: paper
 * originals scanned at the counter, or electronic files online.
 */
export function householdBusinessDocuments(channel: DossierApplication['channel']): DossierDocument[] {
  return channel === 'online'
    ? [
        { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'electronic', fileRef: 'files/de-nghi.pdf' },
        {
          kind: 'giay-to-phap-ly-ca-nhan',
          form: 'electronic',
          fromDataStore: true,
          reusedFrom: 'kho-dmqg-1',
        },
      ]
    : [
        { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper', digitized: true, pages: 2 },
        { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper', digitized: true, pages: 1 },
      ];
}

/**
 * A validated citizen application. Defaults: procedure 1.001612 at the counter of the Cẩm Thành
 * one-stop centre, competent agency UBND Phường Cẩm Thành, every required document present (in
 * electronic form when `channel` is 'online'). Overrides replace whole fields; pass `documents`
 * when overriding `procedureCode` if completeness matters.
 */
export function citizenApplication(overrides: Partial<DossierApplicationInput> = {}): DossierApplication {
  const channel = overrides.channel ?? 'counter';
  return dossierApplicationSchema.parse({
    requestId: 'req-2026-04-23-0001',
    procedureCode: '1.001612',
    applicant: {
      type: 'citizen',
      fullName: 'Nguyễn Văn An',
      idNumber: '051090001234',
      phone: '0912345678',
      email: 'an.nguyen@example.vn',
    },
    channel,
    receivingUnit: demoUnits.camThanhOneStop,
    competentAgency: demoUnits.camThanhCommittee,
    documents: householdBusinessDocuments(channel),
    ...overrides,
  });
}

/** An action with its payload validated (and defaulted) by `actionSchemas`, as the workflow receives it. */
export function dossierAction<A extends ActionName>(
  name: A,
  by: Actor,
  input: ActionInput<A>,
): DossierAction {
  const payload = actionSchemas[name].parse(input);
  return { name, actor: by, payload } as DossierAction;
}

/** A signed result document, as the signing activity would return it (effects.result). */
export function signedResult(
  kind: ResultDocument['kind'] = 'approval',
  overrides: Partial<ResultDocument> = {},
): ResultDocument {
  return {
    kind,
    ref: `results/${kind}.pdf`,
    sha256: '0'.repeat(64),
    signedBy: 'Lãnh đạo UBND',
    signedAt: '2026-04-28T09:00:00+07:00',
    link: `https://dichvucong.example.vn/ket-qua/${kind}`,
    paperResult: true,
    ...(kind === 'refusal' ? { reason: 'Không đủ điều kiện' } : {}),
    ...overrides,
  };
}
