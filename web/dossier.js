/**
 * One dossier (GET /v1/dossiers/{code}): status, both deadline views (ND 61 appointment and the
 * Decision 766 count), pauses, timeline, documents, forms, and only the actions the signed-in
 * official may take now: those the view's `actions` allow (the server judges them).
 */
import { openActionDialog } from './actions.js';
import { get, listenForChanges, organisation, post, procedureByCode } from './api.js';
import { displayNames } from './names.js';
import {
  errorBox,
  fmtDate,
  fmtDateTime,
  fmtDuration,
  fmtMoney,
  h,
  loading,
  mount,
  tableWrap,
  weekdayOf,
} from './ui.js';

const {
  channels: channelNames,
  forms: formNames,
  history: historyNames,
  roles: roleNames,
  statuses: statusNames,
  steps: stepNames,
} = displayNames;

const closedStatuses = new Set(['DUNG_XU_LY', 'CONG_DAN_RUT', 'KHONG_BO_SUNG', 'DA_TRA_KET_QUA', 'TU_CHOI']);

function statusClass(status) {
  if (status === 'DA_XU_LY_XONG' || status === 'DA_TRA_KET_QUA') return 'status-done';
  if (status === 'YEU_CAU_BO_SUNG') return 'status-paused';
  if (closedStatuses.has(status)) return 'status-closed';
  return 'status-open';
}

/**
 * Supervisors and administrators may read a dossier's workflow history in the Temporal Web UI,
 * decoded by the API's codec endpoint: a codec session (an HttpOnly cookie) is opened first, and
 * the decode is recorded in the access log. The Web UI needs "Include cross-origin credentials" in
 * its Codec Server settings (docs/operations.md).
 */
function historyLink(official, code) {
  if (official.role !== 'supervisor' && official.role !== 'administrator') return null;
  const status = h('span', { class: 'small muted', role: 'status' });
  const open = async () => {
    status.textContent = '';
    try {
      const opened = await post('/v1/codec/session');
      if (!opened.webUi) {
        status.textContent = 'Máy chủ chưa cấu hình địa chỉ Temporal Web UI (TTHC_TEMPORAL_UI_URL).';
        return;
      }
      const { url, namespace } = opened.webUi;
      window.open(
        `${url}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(code)}`,
        '_blank',
        'noopener',
      );
    } catch (error) {
      status.textContent = error.message;
    }
  };
  return h(
    'p',
    { class: 'history-link' },
    h('button', { type: 'button', class: 'secondary', onclick: open }, 'Lịch sử xử lý trên Temporal Web UI'),
    ' ',
    status,
  );
}

export async function dossierScreen(main, official, code, cleanup) {
  mount(main, loading());
  let org;
  try {
    org = await organisation();
  } catch (error) {
    mount(main, errorBox(error));
    return;
  }
  const name = (unit) => org.byCode.get(unit)?.name ?? unit;

  let first = true;
  async function show() {
    let view;
    try {
      view = await get(`/v1/dossiers/${encodeURIComponent(code)}`);
    } catch (error) {
      mount(
        main,
        h('h1', {}, `Hồ sơ ${code}`),
        errorBox(error),
        h('a', { href: '#/ho-so' }, 'Về danh sách hồ sơ'),
      );
      return;
    }
    const procedure = await procedureByCode(view.state.procedure.code).catch(() => undefined);
    render(view, procedure);
  }

  function render(view, procedure) {
    const s = view.state;
    const app = s.application;
    const applicant = app.applicant;
    const actions = (view.actions ?? []).filter((action) => action.allowed);
    const d = view.deadlines ?? {};

    // The leader types the specialist's id (the console keeps no list of officials).
    const specialists = [];
    const lastSupplement = s.supplements.at(-1);
    const documentKinds = [
      ...(lastSupplement?.items ?? []).filter((i) => i.kind).map((i) => ({ kind: i.kind, name: i.name })),
      ...(procedure?.requiredDocuments ?? []).map((r) => ({ kind: r.kind, name: r.name })),
    ].filter((k, i, all) => all.findIndex((x) => x.kind === k.kind) === i);
    const ctx = {
      view,
      official,
      specialists,
      agencies: org.units.filter(
        (u) =>
          u.code !== app.competentAgency &&
          u.kind !== 'one-stop-centre' &&
          u.province === org.byCode.get(app.competentAgency)?.province,
      ),
      documentKinds,
    };

    const issuedForms = [...Object.keys(view.forms ?? {}), 'control-sheet'];
    mount(
      main,
      h(
        'div',
        { class: 'page-head' },
        h('h1', { tabindex: '-1', id: 'dossier-title' }, `Hồ sơ ${s.code}`),
        h(
          'span',
          { class: ['status-badge', statusClass(s.status)], dataset: { status: s.status } },
          view.statusName,
        ),
        view.ended ? h('span', { class: 'badge' }, 'Đã kết thúc') : null,
      ),
      h('p', { class: 'lead' }, `${s.procedure.code} — ${s.procedure.name}`),
      h(
        'div',
        { class: 'dossier-grid' },
        h(
          'section',
          { class: 'card actions-card', 'aria-labelledby': 'actions-title' },
          h('h2', { id: 'actions-title' }, 'Thao tác của bạn'),
          h(
            'p',
            { class: 'muted small' },
            `${roleNames[official.role] ?? official.role} — ${name(official.unit)}`,
          ),
          historyLink(official, s.code),
          actions.length === 0
            ? h('p', { class: 'no-actions' }, 'Không có thao tác nào dành cho vai trò của bạn ở bước này.')
            : h(
                'div',
                { class: 'action-buttons' },
                actions.map(({ name: action, title }) =>
                  h(
                    'button',
                    {
                      type: 'button',
                      class: [
                        'action',
                        action === 'apologize' ||
                        action === 'stop' ||
                        action === 'correct-data' ||
                        action.startsWith('refuse')
                          ? 'warn'
                          : 'primary',
                      ],
                      dataset: { action },
                      onclick: () =>
                        openActionDialog(action, ctx, () => {
                          first = true;
                          return show();
                        }),
                    },
                    title,
                  ),
                ),
              ),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'deadline-title' },
          h('h2', { id: 'deadline-title' }, 'Thời hạn'),
          h(
            'dl',
            { class: 'facts' },
            h('dt', {}, 'Ngày hẹn trả (ND 61/2018)'),
            h(
              'dd',
              { class: 'decree-due', dataset: { due: d.decree?.dueDate ?? '' } },
              d.decree
                ? `${weekdayOf(d.decree.dueDate)}, ${fmtDate(d.decree.dueDate)}`
                : d.paused
                  ? 'Tạm dừng — chờ bổ sung'
                  : '—',
              d.rescheduled ? h('span', { class: 'badge' }, 'Đã hẹn lại') : null,
            ),
            h('dt', {}, 'Theo cách tính Quyết định 766'),
            h(
              'dd',
              {},
              d.decision766
                ? [
                    `${fmtDate(d.decision766.dueDate)} — `,
                    h(
                      'span',
                      { class: d.decision766.onTimeSoFar ? 'ok' : 'late' },
                      d.decision766.onTimeSoFar ? 'Đúng hạn' : 'Trễ hạn',
                    ),
                    d.decision766.pausedMs ? ` (trừ ${fmtDuration(d.decision766.pausedMs)} chờ bổ sung)` : '',
                    d.decision766.lateReason
                      ? h('span', { class: 'small muted' }, ` ${d.decision766.lateReason}`)
                      : '',
                  ]
                : '—',
            ),
            h('dt', {}, 'Tạm dừng'),
            h(
              'dd',
              {},
              d.pauses?.length
                ? h(
                    'ul',
                    { class: 'plain' },
                    d.pauses.map((p) =>
                      h(
                        'li',
                        {},
                        `Từ ${fmtDateTime(p.from)} ${p.to ? `đến ${fmtDateTime(p.to)}` : '— đang tạm dừng'}`,
                      ),
                    ),
                  )
                : 'Không',
            ),
            s.apology ? h('dt', {}, 'Xin lỗi, hẹn lại') : null,
            s.apology
              ? h(
                  'dd',
                  { class: 'apology' },
                  `Hẹn lại ${fmtDate(s.apology.newDueDate)} (trước là ${fmtDate(s.apology.previousDueDate)}). Lý do: ${s.apology.reason}`,
                )
              : null,
            s.overdueSince ? h('dt', {}, 'Quá hạn từ') : null,
            s.overdueSince ? h('dd', { class: 'late' }, fmtDateTime(s.overdueSince)) : null,
          ),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'info-title' },
          h('h2', { id: 'info-title' }, 'Thông tin hồ sơ'),
          h(
            'dl',
            { class: 'facts' },
            h('dt', {}, 'Người nộp'),
            h(
              'dd',
              {},
              applicant.type === 'citizen'
                ? `${applicant.fullName} — CCCD ${applicant.idNumber}`
                : `${applicant.name} — MST ${applicant.taxCode}`,
            ),
            applicant.phone ? h('dt', {}, 'Điện thoại') : null,
            applicant.phone ? h('dd', {}, applicant.phone) : null,
            h('dt', {}, 'Hình thức nộp'),
            h('dd', {}, channelNames[app.channel] ?? app.channel),
            h('dt', {}, 'Nơi tiếp nhận'),
            h('dd', {}, name(app.receivingUnit)),
            h('dt', {}, 'Cơ quan giải quyết'),
            h('dd', {}, name(app.competentAgency)),
            h('dt', {}, 'Tiếp nhận lúc'),
            h('dd', {}, s.acceptedAt ? fmtDateTime(s.acceptedAt) : '—'),
            h('dt', {}, 'Bước hiện tại'),
            h(
              'dd',
              {},
              `${stepNames[s.step] ?? s.step} — ${name(s.holder.unit)}${s.holder.official ? ` (${s.holder.official.name})` : ''}`,
            ),
            s.appraisal ? h('dt', {}, 'Thẩm định') : null,
            s.appraisal
              ? h(
                  'dd',
                  {},
                  `${s.appraisal.recommendation === 'approve' ? 'Đề nghị phê duyệt' : 'Đề nghị từ chối'}: ${s.appraisal.note}`,
                )
              : null,
            s.result ? h('dt', {}, 'Kết quả') : null,
            s.result
              ? h(
                  'dd',
                  {},
                  `${s.result.kind === 'approval' ? 'Kết quả giải quyết' : 'Từ chối'} — ký số bởi ${name(s.result.signedBy)}, ${fmtDateTime(s.result.signedAt)}`,
                )
              : null,
            s.payments.length ? h('dt', {}, 'Thanh toán') : null,
            s.payments.length
              ? h(
                  'dd',
                  {},
                  s.payments.map((p) => `${fmtMoney(p.amountVnd)} (${fmtDateTime(p.at)})`).join('; '),
                )
              : null,
            s.evaluation ? h('dt', {}, 'Đánh giá') : null,
            s.evaluation
              ? h(
                  'dd',
                  {},
                  Object.entries(s.evaluation.scores)
                    .map(([k, v]) => `chỉ số ${k}: ${v} điểm`)
                    .join(', '),
                )
              : null,
          ),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'forms-title' },
          h('h2', { id: 'forms-title' }, 'Biểu mẫu'),
          h(
            'ul',
            { class: 'plain forms-list' },
            issuedForms.map((f) =>
              h('li', {}, h('a', { href: `#/bieu-mau/${s.code}/${f}` }, formNames[f] ?? f)),
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'timeline-title' },
        h('h2', { id: 'timeline-title' }, 'Quá trình xử lý'),
        h(
          'ol',
          { class: 'timeline' },
          s.history.map((entry) =>
            h(
              'li',
              { dataset: { action: entry.action } },
              h('time', { datetime: entry.at }, fmtDateTime(entry.at)),
              h('span', { class: 'what' }, historyNames[entry.action] ?? entry.action),
              h('span', { class: 'status' }, statusNames[entry.status] ?? entry.status),
              entry.actor
                ? h(
                    'span',
                    { class: 'who' },
                    `${entry.actor.name} (${roleNames[entry.actor.role] ?? entry.actor.role}, ${name(entry.actor.unit)})`,
                  )
                : h('span', { class: 'who' }, 'Hệ thống'),
              entry.note ? h('span', { class: 'note' }, entry.note) : null,
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'docs-title' },
        h('h2', { id: 'docs-title' }, 'Thành phần hồ sơ'),
        s.components.length === 0
          ? h('p', { class: 'muted' }, 'Chưa có thành phần hồ sơ.')
          : tableWrap(
              h(
                'table',
                { class: 'list' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ['Tên giấy tờ', 'Hình thức', 'Số hóa', 'Tái sử dụng', 'Mã lưu trữ'].map((t) =>
                      h('th', { scope: 'col' }, t),
                    ),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  s.components.map((c) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, c.name),
                      h('td', {}, c.form === 'paper' ? 'Bản giấy' : 'Bản điện tử'),
                      h('td', {}, c.digitized ? 'Có' : 'Không'),
                      h('td', {}, c.reused || c.fromDataStore ? 'Có' : 'Không'),
                      h('td', { class: 'mono small' }, c.ref ? `${String(c.ref).slice(0, 19)}…` : ''),
                    ),
                  ),
                ),
              ),
              'Thành phần hồ sơ',
            ),
        s.supplements.length
          ? h(
              'div',
              {},
              h('h3', {}, 'Yêu cầu bổ sung'),
              h(
                'ul',
                {},
                s.supplements.map((r) =>
                  h(
                    'li',
                    {},
                    `${fmtDateTime(r.requestedAt)}: ${r.items.map((i) => i.name).join('; ')}${r.providedAt ? ` — đã bổ sung ${fmtDateTime(r.providedAt)}` : ' — chưa bổ sung'}`,
                  ),
                ),
              ),
            )
          : null,
        s.interAgency.length
          ? h(
              'div',
              {},
              h('h3', {}, 'Liên thông'),
              h(
                'ul',
                {},
                s.interAgency.map((t) =>
                  h(
                    'li',
                    {},
                    `${name(t.agency)}: ${t.task} — hạn ${fmtDate(t.dueDate)}${t.completedAt ? ` — đã cho ý kiến: ${t.opinion}` : ''}`,
                  ),
                ),
              ),
            )
          : null,
      ),
    );
    if (first) document.getElementById('dossier-title')?.focus({ preventScroll: true });
    first = false;
  }

  await show();
  let timer;
  const stop = listenForChanges((message) => {
    if (message.code !== code) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!document.querySelector('dialog[open]')) show();
    }, 400);
  });
  cleanup(() => {
    stop();
    clearTimeout(timer);
  });
}
