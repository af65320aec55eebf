/**
 * What the counter sees once a dossier is received: its code, status, appointment and lookup
 * secret, and the form issued (receipt, supplementation request or refusal) ready to print.
 */
import { get, unitName } from '../api.js';
import { componentsTable } from '../components-table.js';
import { renderForm } from '../forms.js';
import { errorBox, fmtDate, fmtDateTime, h, mount, toast, weekdayOf } from '../ui.js';

const outcomeTitles = {
  accepted: 'Đã tiếp nhận hồ sơ',
  supplement: 'Hồ sơ chưa đầy đủ: yêu cầu bổ sung, hoàn thiện',
  refused: 'Đã từ chối tiếp nhận hồ sơ',
};
const outcomeForms = { accepted: 'receipt', supplement: 'supplementation-request', refused: 'refusal' };

function resultFacts(received) {
  return h(
    'dl',
    { class: 'facts result-facts' },
    h('dt', {}, 'Mã hồ sơ'),
    h('dd', { class: 'dossier-code' }, received.code),
    h('dt', {}, 'Trạng thái'),
    h('dd', {}, received.statusName),
    received.appointmentDate ? h('dt', {}, 'Ngày hẹn trả kết quả') : null,
    received.appointmentDate
      ? h(
          'dd',
          { class: 'appointment' },
          `${weekdayOf(received.appointmentDate)}, ${fmtDate(received.appointmentDate)}`,
        )
      : null,
    h('dt', {}, 'Mã tra cứu (in trên giấy cho người nộp)'),
    h('dd', { class: 'lookup-secret' }, received.lookupSecret),
    received.missing?.length ? h('dt', {}, 'Nội dung cần bổ sung') : null,
    received.missing?.length
      ? h(
          'dd',
          {},
          h(
            'ul',
            {},
            received.missing.map((m) => h('li', {}, `${m.name} — ${m.reason}`)),
          ),
        )
      : null,
  );
}

/** `received` is the answer of POST /v1/dossiers; `again` opens a new intake form. */
export async function showIntakeResult(main, received, again) {
  const code = received.code;
  const kind = outcomeForms[received.outcome];
  let formData = received.outcome === 'accepted' ? received.receipt : undefined;
  let formError;
  if (!formData && kind && received.outcome !== 'accepted') {
    try {
      formData = await get(`/v1/dossiers/${code}/forms/${kind}`);
    } catch (error) {
      formError = error;
    }
  }
  // The components as the workflow recorded them: digitized and signed at intake, or reused.
  let components = [];
  let names = new Map();
  try {
    const view = await get(`/v1/dossiers/${encodeURIComponent(code)}`);
    components = view.state.components ?? [];
    const units = [...new Set(components.map((c) => c.signedBy).filter(Boolean))];
    names = new Map(await Promise.all(units.map(async (u) => [u, await unitName(u)])));
  } catch {
    // The form and the code are what matter here; the dossier page shows the components too.
  }
  mount(
    main,
    h(
      'div',
      { class: 'no-print' },
      h('h1', { tabindex: '-1', id: 'result-title' }, outcomeTitles[received.outcome] ?? received.statusName),
      received.existing
        ? h('p', { class: 'alert alert-info' }, 'Hồ sơ này đã được tiếp nhận trước đó; không tạo hồ sơ mới.')
        : null,
      resultFacts(received),
      h(
        'div',
        { class: 'actions-row' },
        formData
          ? h(
              'button',
              { type: 'button', class: 'primary', onclick: () => window.print() },
              'In biểu mẫu (A5)',
            )
          : null,
        h('a', { class: 'button', href: `#/ho-so/${code}` }, 'Mở hồ sơ'),
        h('button', { type: 'button', class: 'secondary', onclick: again }, 'Tiếp nhận hồ sơ mới'),
      ),
      formError ? errorBox(formError) : null,
      components.length
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'components-title' },
            h('h2', { id: 'components-title' }, 'Thành phần hồ sơ đã tiếp nhận'),
            componentsTable(code, components, (u) => names.get(u) ?? u),
          )
        : null,
      h('p', { class: 'muted small' }, `Tiếp nhận lúc ${fmtDateTime(Date.now())}.`),
    ),
    formData
      ? h('div', { class: 'print-area' }, renderForm(formData, { lookupSecret: received.lookupSecret }))
      : null,
  );
  document.getElementById('result-title')?.focus();
  toast(`${outcomeTitles[received.outcome]}: ${code}`, received.outcome === 'accepted' ? 'success' : 'info');
}
