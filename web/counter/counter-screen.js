/**
 * Bộ phận Tiếp nhận và Trả kết quả (#/quay): receive a dossier (POST /v1/dossiers) with the
 * checklist of the procedure from the catalogue, and the receipt (Mẫu 01), supplementation request
 * (Mẫu 02) or refusal (Mẫu 03) ready to print; open a dossier by its code; the dossiers waiting to
 * be handed back. The form's four parts live in their own modules of this folder.
 */
import { organisation, post, procedures } from '../api.js';
import { errorBox, h, loading, mount } from '../ui.js';
import { intakeApplicantSection } from './intake-applicant-section.js';
import { intakeDecisionSection } from './intake-decision-section.js';
import { intakeDocumentsSection } from './intake-documents-section.js';
import { intakeProcedureSection } from './intake-procedure-section.js';
import { showIntakeResult } from './intake-result.js';
import { loadOnlineInbox } from './online-inbox.js';
import { openByCodeForm } from './open-by-code.js';
import { loadResultWaitingList } from './result-waiting-list.js';

function newRequestId(unit) {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `quay-${unit}-${Date.now()}-${random}`;
}

export async function counterScreen(main, official) {
  mount(main, loading());
  let catalogue;
  let org;
  try {
    [catalogue, org] = await Promise.all([procedures(), organisation()]);
  } catch (error) {
    mount(main, h('h1', {}, 'Tiếp nhận hồ sơ'), errorBox(error));
    return;
  }
  renderIntake(main, { official, catalogue, org, me: org.byCode.get(official.unit) });
}

/** The error summary at the top of the form: each message a button to its field. */
function errorSummaryOf(errors) {
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert' },
    h('p', { class: 'strong' }, `Hồ sơ chưa gửi được: ${errors.length} nội dung cần sửa`),
    h(
      'ul',
      {},
      errors.map((e) =>
        h(
          'li',
          {},
          h('button', { type: 'button', class: 'link-button', onclick: () => e.input.focus() }, e.message),
        ),
      ),
    ),
  );
}

function renderIntake(main, desk) {
  const { official, catalogue, org, me } = desk;
  let requestId = newRequestId(official.unit);
  // Built in the order of the form, so that the fields' generated ids follow it.
  const procedure = intakeProcedureSection({ catalogue, org, me, onChange: (p) => documents.show(p) });
  const applicant = intakeApplicantSection();
  const documents = intakeDocumentsSection();
  const decision = intakeDecisionSection();

  /** The request body, or the errors to fix first. */
  const collect = () => {
    const errors = [];
    procedure.check(errors);
    applicant.check(errors);
    const intake = decision.decision(errors);
    if (documents.uploading()) {
      errors.push({
        message: 'Đang tải tệp quét lên; chờ tải xong rồi tiếp nhận.',
        input: form.querySelector('.scan-file'),
      });
    }
    if (errors.length) return { errors };
    const p = procedure.selected();
    if (p.duration?.unit === 'same-day') intake.receiptRequested = documents.receiptRequested();
    return {
      body: {
        application: {
          requestId,
          procedureCode: p.code,
          applicant: applicant.applicant(),
          channel: procedure.channel(),
          receivingUnit: official.unit,
          competentAgency: procedure.competentAgency(),
          documents: documents.documents(),
        },
        intake,
      },
    };
  };

  const errorSummary = h('div', { class: 'error-summary', tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'primary big' }, 'Tiếp nhận hồ sơ');
  const form = h(
    'form',
    { class: 'intake', novalidate: true, 'aria-labelledby': 'intake-title' },
    errorSummary,
    procedure.card,
    applicant.card,
    documents.card,
    decision.card,
    h('div', { class: 'actions-row' }, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { errors, body } = collect();
    if (errors) {
      mount(errorSummary, errorSummaryOf(errors));
      errorSummary.focus();
      return;
    }
    mount(errorSummary);
    submit.disabled = true;
    submit.textContent = 'Đang tiếp nhận…';
    try {
      const received = await post('/v1/dossiers', body);
      requestId = newRequestId(official.unit);
      await showIntakeResult(main, received, () => renderIntake(main, desk));
    } catch (error) {
      mount(errorSummary, errorBox(error));
      errorSummary.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Tiếp nhận hồ sơ';
    }
  });

  const waiting = h('section', { class: 'card no-print', 'aria-labelledby': 'waiting-title' });
  const inbox = h('section', {
    class: 'card no-print',
    'aria-labelledby': 'online-inbox-title',
    id: 'hop-thu-truc-tuyen',
  });
  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'intake-title' }, 'Tiếp nhận hồ sơ'),
      h('p', { class: 'muted' }, `Bộ phận Tiếp nhận và Trả kết quả — ${me?.name ?? official.unit}`),
    ),
    openByCodeForm(),
    inbox,
    form,
    waiting,
  );
  loadOnlineInbox(inbox);
  loadResultWaitingList(waiting);
}
