/**
 * Repair (issue #21 item 4): an administrator corrects an open dossier held up by a data error,
 * e.g. the wrong competent agency picked at intake. An audited action like any other: a timeline
 * entry with who, why, the old and the new value, and a `data-corrected` event. The history is
 * never edited; the dossier follows the corrected data from then on.
 */
import type { Actor } from '../actor.js';
import type { Instant } from '../time.js';
import type { ActionPayload, CorrectableField } from './dossier-actions.js';
import { reject } from './dossier-rejection.js';
import {
  type DossierState,
  isFinishedProcessing,
  pendingInterAgency,
  record,
  type Transition,
} from './dossier-state.js';
import { closedStatuses, statusNames } from './dossier-status.js';

type Correction = ActionPayload<'correct-data'>;

/** What officials read for each correctable field. */
export const correctableFieldNames: Readonly<Record<CorrectableField, string>> = {
  competentAgency: 'Cơ quan có thẩm quyền giải quyết',
};

/** Only an administrator corrects data, and only while the dossier is open (not yet decided, not ended). */
export function checkCorrectionAllowed(state: DossierState, actor: Actor): void {
  if (actor.role !== 'administrator') {
    reject(
      'WRONG_ROLE',
      `Chỉ quản trị hệ thống sửa dữ liệu của hồ sơ; người thực hiện có vai trò ${actor.role}`,
    );
  }
  if (closedStatuses.has(state.status) || state.status === 'TU_CHOI' || isFinishedProcessing(state)) {
    reject(
      'ILLEGAL_STATE',
      `Chỉ sửa dữ liệu khi hồ sơ đang mở; hồ sơ ${state.code} ở trạng thái "${statusNames[state.status]}"`,
    );
  }
}

export function checkCorrection(state: DossierState, correction: Correction): void {
  const current = state.application[correction.field];
  if (current === correction.value) {
    reject(
      'INVALID_INPUT',
      `${correctableFieldNames[correction.field]} đã là ${current}; không có gì để sửa`,
    );
  }
  if (correction.value === state.application.receivingUnit) {
    reject('INVALID_INPUT', 'Bộ phận một cửa tiếp nhận không phải cơ quan có thẩm quyền giải quyết');
  }
  if (pendingInterAgency(state).some((task) => task.agency === correction.value)) {
    reject('INVALID_INPUT', `${correction.value} đang là cơ quan phối hợp liên thông của hồ sơ này`);
  }
}

/**
 * The corrected competent agency takes the dossier where it stands: it holds it (unless the
 * receiving unit does), and an appraisal by the wrong agency's specialist is set aside — the new
 * agency's leader assigns it again. The deadline runs on: the error was the administration's.
 */
export function correctData(
  state: DossierState,
  correction: Correction,
  actor: Actor,
  at: Instant,
): Transition {
  const previous = state.application.competentAgency;
  const restart = state.step === 'appraise' || state.step === 'approve';
  const next: DossierState = {
    ...state,
    application: { ...state.application, competentAgency: correction.value },
    holder: state.holder.unit === previous ? { unit: correction.value } : state.holder,
    step: restart ? 'assign' : state.step,
    appraisal: restart ? undefined : state.appraisal,
  };
  const note = `${correctableFieldNames[correction.field]}: ${previous} → ${correction.value}. Lý do: ${correction.reason}`;
  return record(
    next,
    at,
    'correct-data',
    actor,
    [
      {
        type: 'data-corrected',
        at,
        data: { field: correction.field, previous, value: correction.value, reason: correction.reason },
      },
    ],
    note,
  );
}
