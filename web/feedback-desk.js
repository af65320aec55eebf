/**
 * Feedback and petitions for officials (ND 20/2008):
 *   #/phan-anh              the list (GET /v1/feedback): received at or held by my unit (my subtree
 *                           for supervisors), overdue flagged, refreshed live
 *   #/phan-anh/moi          register one received directly, by post or by phone (POST /v1/feedback)
 *   #/phan-anh/{id}         one feedback (GET /v1/feedback/{id}): its limits, what was done, and the
 *                           actions the view offers me (accept, reject, forward, ask for a supplement,
 *                           assess against the six criteria, answer, publish), each in a dialog
 */
import { openSpecDialog } from './actions.js';
import { get, listenForChanges, organisation, post, query } from './api.js';
import { limitsTable } from './feedback-citizen.js';
import { feedbackForm } from './feedback-form.js';
import { displayNames } from './names.js';
import { errorBox, fmtDateTime, h, loading, mount, select, tableWrap, toast } from './ui.js';

const { feedback: names, roles: roleNames } = displayNames;
const optionsOf = (table) => Object.entries(table).map(([value, label]) => ({ value, label }));
const required = (what) => (v) => (String(v ?? '').trim() ? '' : `Nhập ${what}.`);

export async function feedbackListScreen(main, official, cleanup) {
  const org = await organisation().catch(() => undefined);
  const unitName = (code) => org?.byCode.get(code)?.name ?? code ?? '';
  const statusSelect = select([{ value: '', label: 'Tất cả' }, ...optionsOf(names.statuses)], {
    id: 'feedback-status-filter',
  });
  const overdueOnly = h('input', { type: 'checkbox', id: 'feedback-overdue-only' });
  const body = h('div', {}, loading());
  const liveBadge = h('span', { class: 'live-badge', role: 'status' }, 'Đang kết nối…');
  const mayRegister = ['counter-officer', 'specialist', 'leader'].includes(official.role);
  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, `Phản ánh, kiến nghị — ${unitName(official.unit)}`),
      liveBadge,
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'feedback-status-filter' }, 'Trạng thái'),
      statusSelect,
      h(
        'span',
        { class: 'check' },
        overdueOnly,
        h('label', { for: 'feedback-overdue-only' }, 'Chỉ hiện quá hạn'),
      ),
      h('button', { type: 'button', class: 'secondary', onclick: () => load() }, 'Làm mới'),
      mayRegister
        ? h('a', { href: '#/phan-anh/moi', class: 'button secondary' }, 'Tiếp nhận phản ánh, kiến nghị')
        : null,
    ),
    body,
  );

  let generation = 0;
  async function load() {
    const mine = ++generation;
    try {
      const data = await get(
        `/v1/feedback${query({ status: statusSelect.value, overdue: overdueOnly.checked ? 'true' : undefined, pageSize: 100 })}`,
      );
      if (mine !== generation) return;
      const items = data.items;
      mount(
        body,
        h(
          'p',
          { class: 'worklist-summary' },
          `${items.length} phản ánh, kiến nghị; ${items.filter((i) => i.overdue).length} quá hạn.`,
        ),
        items.length === 0
          ? h('p', { class: 'muted' }, 'Không có phản ánh, kiến nghị nào.')
          : tableWrap(
              h(
                'table',
                { class: 'list feedback-list' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ['Mã', 'Nơi tiếp nhận', 'Đơn vị đang xử lý', 'Hình thức', 'Trạng thái', 'Hạn'].map((t) =>
                      h('th', { scope: 'col' }, t),
                    ),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  items.map((i) =>
                    h(
                      'tr',
                      {
                        dataset: { id: i.id, overdue: String(i.overdue) },
                        class: i.overdue ? 'row-overdue' : '',
                      },
                      h('td', {}, h('a', { href: `#/phan-anh/${i.id}` }, i.id)),
                      h('td', {}, unitName(i.receivingUnit)),
                      h('td', {}, unitName(i.handlingUnit)),
                      h('td', {}, names.channels[i.channel] ?? i.channel ?? ''),
                      h('td', {}, i.statusName ?? ''),
                      h(
                        'td',
                        {},
                        i.dueAt ? fmtDateTime(i.dueAt) : '—',
                        i.overdue ? h('span', { class: 'due-chip due-overdue' }, ' ⚠ Quá hạn') : null,
                      ),
                    ),
                  ),
                ),
              ),
              'Danh sách phản ánh, kiến nghị',
            ),
      );
    } catch (error) {
      if (mine === generation) mount(body, errorBox(error));
    }
  }
  statusSelect.addEventListener('change', load);
  overdueOnly.addEventListener('change', load);
  await load();
  let timers = [];
  const stop = listenForChanges(
    (message) => {
      if (message.kind !== 'feedback') return;
      // Visibility follows the workflow a moment later: look again shortly, and once more after.
      for (const t of timers) clearTimeout(t);
      timers = [setTimeout(load, 600), setTimeout(load, 2500)];
    },
    (state) => {
      liveBadge.dataset.state = state;
      liveBadge.textContent = state === 'live' ? '● Cập nhật trực tiếp' : 'Không cập nhật trực tiếp';
    },
  );
  cleanup(() => {
    stop();
    for (const t of timers) clearTimeout(t);
  });
}

/** Officials register a feedback received at their unit directly, by post or by phone. */
export async function feedbackRegisterScreen(main, official) {
  mount(main, h('h1', {}, 'Tiếp nhận phản ánh, kiến nghị'), loading());
  let choices;
  try {
    choices = await get('/v1/feedback/online/choices');
  } catch (error) {
    mount(main, h('h1', {}, 'Tiếp nhận phản ánh, kiến nghị'), errorBox(error));
    return;
  }
  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Tiếp nhận phản ánh, kiến nghị'),
      h(
        'p',
        { class: 'muted' },
        'Phản ánh, kiến nghị gửi trực tiếp, qua bưu chính hoặc điện thoại tới đơn vị của bạn.',
      ),
    ),
    feedbackForm({
      choices,
      official,
      send: (body) => post('/v1/feedback', body),
      onSent: (receipt) => {
        toast(`Đã tiếp nhận phản ánh, kiến nghị ${receipt.id}`, 'success');
        location.hash = `#/phan-anh/${receipt.id}`;
      },
    }),
  );
}

/** Field specs and the body of each official action (dialogs of web/actions.js). */
function actionSpec(action, ctx) {
  const topic = {
    name: 'topic',
    label: 'Phân loại',
    type: 'radio',
    options: optionsOf(names.topics),
    value: 'quy-dinh',
  };
  switch (action) {
    case 'accept':
      return {
        intro: 'Tiếp nhận và phân loại (ND 20/2008 Điều 9).',
        fields: [topic, { name: 'note', label: 'Ghi chú (không bắt buộc)', type: 'textarea' }],
        body: (v) => ({ topic: v.topic, ...(v.note.trim() ? { note: v.note.trim() } : {}) }),
      };
    case 'reject':
      return {
        intro: 'Không tiếp nhận: không đủ điều kiện theo ND 20/2008 Điều 7, hoặc là khiếu nại, tố cáo.',
        fields: [
          { name: 'reason', label: 'Lý do không tiếp nhận', type: 'textarea', check: required('lý do') },
        ],
        body: (v) => ({ reason: v.reason.trim() }),
      };
    case 'forward':
      return {
        intro: 'Chuyển cho cơ quan có thẩm quyền xử lý.',
        fields: [
          topic,
          {
            name: 'to',
            label: 'Cơ quan có thẩm quyền',
            type: 'select',
            options: ctx.units
              .filter((u) => u.code !== ctx.view.state.handlingUnit)
              .map((u) => ({ value: u.code, label: u.name })),
          },
          { name: 'reason', label: 'Lý do chuyển', type: 'textarea', check: required('lý do chuyển') },
        ],
        body: (v) => ({ topic: v.topic, to: v.to, reason: v.reason.trim() }),
      };
    case 'assign':
      return {
        intro: 'Phân công chuyên viên của đơn vị xử lý phản ánh, kiến nghị.',
        fields: [
          {
            name: 'specialistId',
            label: 'Mã cán bộ của chuyên viên',
            type: 'text',
            value: ctx.view.state.assignee?.id ?? '',
            hint: 'Tên đăng nhập của chuyên viên, ví dụ chuyen-vien-so-xay-dung.',
            check: required('mã cán bộ'),
          },
          {
            name: 'specialistName',
            label: 'Họ tên chuyên viên',
            type: 'text',
            value: ctx.view.state.assignee?.name ?? '',
            check: required('họ tên chuyên viên'),
          },
        ],
        body: (v) => ({ specialist: { id: v.specialistId.trim(), name: v.specialistName.trim() } }),
      };
    case 'request-supplement':
      return {
        intro: 'Đề nghị người gửi bổ sung thông tin; người gửi trả lời trên trang tra cứu.',
        fields: [
          {
            name: 'question',
            label: 'Nội dung đề nghị bổ sung',
            type: 'textarea',
            check: required('nội dung'),
          },
        ],
        body: (v) => ({ question: v.question.trim() }),
      };
    case 'assess':
      return {
        intro: 'Đánh giá quy định hành chính theo 6 tiêu chí (ND 20/2008 Điều 14).',
        fields: [
          {
            name: 'basis',
            label: 'Căn cứ đánh giá',
            type: 'radio',
            options: optionsOf(names.assessmentBases),
            value: 'du-can-cu',
          },
          ...Object.entries(names.criteria).map(([id, label]) => ({
            name: `met-${id}`,
            label: `${label}: đạt`,
            type: 'checkbox',
          })),
          { name: 'note', label: 'Nhận xét', type: 'textarea', check: required('nhận xét') },
        ],
        body: (v) => ({
          basis: v.basis,
          criteria:
            v.basis === 'du-can-cu'
              ? Object.fromEntries(
                  Object.keys(names.criteria).map((id) => [id, { met: Boolean(v[`met-${id}`]) }]),
                )
              : {},
          note: v.note.trim(),
        }),
      };
    case 'answer':
      return {
        intro: 'Văn bản trả lời người gửi (ND 20/2008 Điều 15).',
        fields: [
          {
            name: 'content',
            label: 'Nội dung trả lời',
            type: 'textarea',
            check: required('nội dung trả lời'),
          },
          {
            name: 'measure',
            label: 'Hướng xử lý',
            type: 'select',
            options: [{ value: '', label: '— Không nêu —' }, ...optionsOf(names.measures)],
          },
        ],
        body: (v) => ({ content: v.content.trim(), ...(v.measure ? { measure: v.measure } : {}) }),
      };
    case 'publish':
      return {
        intro: 'Công khai kết quả xử lý trên cổng thông tin.',
        fields: [{ name: 'link', label: 'Đường dẫn bài công khai (không bắt buộc)', type: 'text' }],
        body: (v) => (v.link.trim() ? { link: v.link.trim() } : {}),
      };
    default:
      return { fields: [], body: () => ({}) };
  }
}

export async function feedbackScreen(main, official, id, cleanup) {
  mount(main, loading());
  const org = await organisation().catch(() => undefined);
  const unitName = (code) => org?.byCode.get(code)?.name ?? code ?? '';
  let first = true;

  async function show() {
    let view;
    try {
      view = await get(`/v1/feedback/${encodeURIComponent(id)}`);
    } catch (error) {
      mount(
        main,
        h('h1', {}, `Phản ánh, kiến nghị ${id}`),
        errorBox(error),
        h('a', { href: '#/phan-anh' }, 'Về danh sách'),
      );
      return;
    }
    render(view);
  }

  function render(view) {
    const s = view.state;
    const f = s.feedback;
    const submitter = f.submitter;
    const actions = (view.actions ?? []).filter((a) => a.allowed);
    const ctx = { view, units: (org?.units ?? []).filter((u) => u.kind !== 'police') };
    mount(
      main,
      h(
        'div',
        { class: 'page-head' },
        h('h1', { tabindex: '-1', id: 'feedback-title' }, `Phản ánh, kiến nghị ${s.id}`),
        h('span', { class: 'status-badge', dataset: { status: s.status } }, view.statusName),
        view.onTime ? null : h('span', { class: 'due-chip due-overdue' }, '⚠ Quá hạn'),
      ),
      f.title ? h('p', { class: 'lead' }, f.title) : null,
      h(
        'div',
        { class: 'dossier-grid' },
        h(
          'section',
          { class: 'card actions-card', 'aria-labelledby': 'feedback-actions-title' },
          h('h2', { id: 'feedback-actions-title' }, 'Thao tác của bạn'),
          h(
            'p',
            { class: 'muted small' },
            `${roleNames[official.role] ?? official.role} — ${unitName(official.unit)}`,
          ),
          actions.length === 0
            ? h('p', { class: 'no-actions' }, 'Không có thao tác nào dành cho bạn ở bước này.')
            : h(
                'div',
                { class: 'action-buttons' },
                actions.map(({ name, title }) =>
                  h(
                    'button',
                    {
                      type: 'button',
                      class: ['action', name === 'reject' ? 'warn' : 'primary'],
                      dataset: { action: name },
                      onclick: () => {
                        const spec = actionSpec(name, ctx);
                        openSpecDialog({
                          title: `${title} — ${s.id}`,
                          spec,
                          submitLabel: title,
                          kind: name,
                          send: async (values) => {
                            const result = await post(
                              `/v1/feedback/${encodeURIComponent(s.id)}/actions/${name}`,
                              spec.body(values),
                            );
                            toast(`${title}: ${result.statusName}`, 'success');
                            return result;
                          },
                          done: () => {
                            first = true;
                            return show();
                          },
                        });
                      },
                    },
                    title,
                  ),
                ),
              ),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'feedback-info-title' },
          h('h2', { id: 'feedback-info-title' }, 'Thông tin'),
          h(
            'dl',
            { class: 'facts' },
            h('dt', {}, 'Người gửi'),
            h(
              'dd',
              {},
              submitter.type === 'citizen'
                ? `${submitter.fullName} — CCCD ${submitter.idNumber}`
                : `${submitter.name} — MST ${submitter.taxCode}`,
            ),
            h('dt', {}, 'Liên hệ'),
            h(
              'dd',
              {},
              [submitter.phone, submitter.address, submitter.email].filter(Boolean).join(' — ') || '—',
            ),
            h('dt', {}, 'Hình thức'),
            h('dd', {}, names.channels[f.channel] ?? f.channel),
            h('dt', {}, 'Nơi tiếp nhận'),
            h('dd', {}, unitName(f.receivingUnit)),
            h('dt', {}, 'Đơn vị đang xử lý'),
            h('dd', { class: 'handling-unit' }, unitName(s.handlingUnit)),
            h('dt', {}, 'Gửi lúc'),
            h('dd', {}, fmtDateTime(s.submittedAt)),
            f.about?.procedureCode ? h('dt', {}, 'Thủ tục') : null,
            f.about?.procedureCode ? h('dd', {}, f.about.procedureCode) : null,
            f.about?.dossierCode ? h('dt', {}, 'Hồ sơ') : null,
            f.about?.dossierCode ? h('dd', {}, f.about.dossierCode) : null,
            s.topic ? h('dt', {}, 'Phân loại') : null,
            s.topic ? h('dd', {}, names.topics[s.topic]) : null,
            h('dt', {}, 'Cán bộ xử lý'),
            h(
              'dd',
              { class: 'assignee' },
              s.assignee ? `${s.assignee.name} (phân công ${fmtDateTime(s.assignee.at)})` : 'Chưa phân công',
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'feedback-content-title' },
        h('h2', { id: 'feedback-content-title' }, 'Nội dung'),
        h('p', { class: 'feedback-content' }, f.content),
        s.supplements.length
          ? h(
              'div',
              {},
              h('h3', {}, 'Bổ sung thông tin'),
              h(
                'ul',
                {},
                s.supplements.map((r) =>
                  h(
                    'li',
                    {},
                    `${fmtDateTime(r.requestedAt)}: ${r.question}${r.providedAt ? ` — người gửi bổ sung ${fmtDateTime(r.providedAt)}: ${r.content}` : ' — chưa bổ sung'}`,
                  ),
                ),
              ),
            )
          : null,
        s.assessment
          ? h(
              'div',
              {},
              h('h3', {}, 'Đánh giá quy định'),
              h('p', {}, `${names.assessmentBases[s.assessment.basis]}. ${s.assessment.note}`),
              h(
                'ul',
                {},
                Object.entries(s.assessment.criteria).map(([c, v]) =>
                  h('li', {}, `${names.criteria[c] ?? c}: ${v.met ? 'đạt' : 'chưa đạt'}`),
                ),
              ),
            )
          : null,
        s.answer
          ? h(
              'div',
              { class: 'feedback-answer' },
              h('h3', {}, `Trả lời (${fmtDateTime(s.answer.at)})`),
              h('p', {}, s.answer.content),
              s.answer.measure ? h('p', { class: 'muted' }, names.measures[s.answer.measure]) : null,
            )
          : null,
        s.publication ? h('p', { class: 'ok' }, `Đã công khai ${fmtDateTime(s.publication.at)}`) : null,
        s.rejection ? h('p', { class: 'late' }, `Không tiếp nhận: ${s.rejection.reason}`) : null,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'feedback-limits-title' },
        h('h2', { id: 'feedback-limits-title' }, 'Thời hạn xử lý'),
        limitsTable(view.limits),
        s.transfers.length
          ? h(
              'ul',
              { class: 'plain' },
              s.transfers.map((t) =>
                h(
                  'li',
                  {},
                  `${fmtDateTime(t.at)}: ${unitName(t.from)} chuyển ${unitName(t.to)} — ${t.reason}`,
                ),
              ),
            )
          : null,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'feedback-timeline-title' },
        h('h2', { id: 'feedback-timeline-title' }, 'Quá trình xử lý'),
        h(
          'ol',
          { class: 'timeline' },
          s.history.map((entry) =>
            h(
              'li',
              { dataset: { action: entry.action } },
              h('time', { datetime: String(entry.at) }, fmtDateTime(entry.at)),
              h(
                'span',
                { class: 'what' },
                names.actions[entry.action] ?? (entry.action === 'receive' ? 'Tiếp nhận' : entry.action),
              ),
              h('span', { class: 'status' }, names.statuses[entry.status] ?? entry.status),
              entry.actor
                ? h(
                    'span',
                    { class: 'who' },
                    entry.actor.role === 'applicant'
                      ? entry.actor.name
                      : `${entry.actor.name} (${unitName(entry.actor.unit)})`,
                  )
                : h('span', { class: 'who' }, 'Hệ thống'),
            ),
          ),
        ),
      ),
    );
    if (first) document.getElementById('feedback-title')?.focus({ preventScroll: true });
    first = false;
  }

  await show();
  let timer;
  const stop = listenForChanges((message) => {
    if (message.kind !== 'feedback' || message.id !== id) return;
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
