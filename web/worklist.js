/**
 * The worklist: the dossiers of my unit (GET /v1/dossiers, filtered by the competent agency for
 * specialists and leaders, the receiving unit for counters, the supervised subtree for
 * supervisors), due soonest first, overdue and due-tomorrow highlighted; refreshed live.
 */
import { get, listenForChanges, procedures, query, unitName } from './api.js';
import { byDueDate, dueClass, dueTexts } from './due-dates.js';
import { displayNames } from './names.js';
import {
  civilDateOf,
  errorBox,
  fmtDate,
  h,
  loading,
  mount,
  select,
  tableWrap,
  todayVN,
  weekdayOf,
} from './ui.js';

const MAX_PAGES = 5;

function scopeFilter(official) {
  if (official.role === 'specialist' || official.role === 'leader') return { competentAgency: official.unit };
  if (official.role === 'counter-officer') return { receivingUnit: official.unit };
  return {};
}

function heading(official, name) {
  if (official.role === 'specialist' || official.role === 'leader') return `Hồ sơ cần xử lý — ${name}`;
  if (official.role === 'counter-officer') return `Hồ sơ tiếp nhận tại ${name}`;
  return `Hồ sơ trong phạm vi của ${name}`;
}

export async function worklistScreen(main, official, cleanup) {
  const name = await unitName(official.unit).catch(() => official.unit);
  const statusSelect = select(
    [
      { value: 'open', label: 'Đang giải quyết (chưa kết thúc)' },
      { value: '', label: 'Tất cả hồ sơ' },
      ...Object.entries(displayNames.statuses).map(([value, label]) => ({ value, label })),
    ],
    { id: 'status-filter' },
  );
  const refresh = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        load();
        loadInterAgency();
      },
    },
    'Làm mới',
  );
  const liveBadge = h('span', { class: 'live-badge', role: 'status' }, 'Đang kết nối…');
  const summary = h('p', { class: 'worklist-summary', 'aria-live': 'polite' });
  const body = h('div', {}, loading());
  // Liên thông: the steps other agencies asked of mine (GET /v1/inter-agency-tasks).
  const interAgency =
    official.role === 'counter-officer'
      ? null
      : h('section', { class: 'card inter-agency-tasks', 'aria-labelledby': 'inter-agency-title' });
  mount(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, heading(official, name)), liveBadge),
    interAgency,
    h('div', { class: 'toolbar' }, h('label', { for: 'status-filter' }, 'Trạng thái'), statusSelect, refresh),
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'due-chip due-overdue' }, '⚠ Quá hạn'),
      h('span', { class: 'due-chip due-today' }, '● Đến hạn hôm nay'),
      h('span', { class: 'due-chip due-tomorrow' }, '◐ Đến hạn ngày mai'),
      ' Hồ sơ đến hạn sớm nhất ở trên cùng.',
    ),
    summary,
    body,
  );
  statusSelect.addEventListener('change', () => load());

  const unitLabel = (code) => unitName(code).catch(() => code);
  let shownSteps;
  async function loadInterAgency() {
    if (!interAgency) return;
    const title = h('h2', { id: 'inter-agency-title' }, 'Liên thông: hồ sơ cơ quan khác đề nghị cho ý kiến');
    try {
      const { items } = await get(`/v1/inter-agency-tasks${query({ pageSize: 100 })}`);
      // Redrawn only when the steps changed, so that a refresh never takes the keyboard's focus away.
      const key = JSON.stringify(items);
      if (key === shownSteps) return;
      shownSteps = key;
      const rows = await Promise.all(
        items.map(async (t) => ({
          ...t,
          lead: await unitLabel(t.leadAgency),
          asked: await unitLabel(t.agency),
        })),
      );
      mount(
        interAgency,
        title,
        rows.length === 0
          ? h('p', { class: 'muted' }, 'Không có đề nghị cho ý kiến liên thông nào đang chờ.')
          : h(
              'ul',
              { class: 'plain' },
              rows.map((t) => {
                const cls = dueClass({ dueDate: t.dueDate, closed: t.closed }, todayVN(), Date.now());
                return h(
                  'li',
                  { dataset: { code: t.dossierCode, agency: t.agency, due: cls } },
                  h('a', { href: `#/ho-so/${t.dossierCode}` }, t.dossierCode),
                  ` — ${t.lead} đề nghị ${t.asked} cho ý kiến`,
                  t.task ? `: ${t.task}` : '',
                  t.dueDate ? ` — hạn ${weekdayOf(t.dueDate)}, ${fmtDate(t.dueDate)} ` : ' ',
                  t.dueDate ? h('span', { class: `due-chip due-${cls}` }, dueTexts[cls]) : null,
                );
              }),
            ),
      );
    } catch (error) {
      shownSteps = undefined;
      mount(interAgency, title, h('p', { class: 'muted' }, error.message));
    }
  }

  let catalogue = [];
  procedures()
    .then((list) => {
      catalogue = list;
    })
    .catch(() => undefined);

  let generation = 0;
  async function load() {
    const mine = ++generation;
    const status = statusSelect.value;
    try {
      const items = [];
      let pageToken;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await get(
          `/v1/dossiers${query({ ...scopeFilter(official), status: status === 'open' ? '' : status, pageSize: 100, pageToken })}`,
        );
        items.push(...result.items);
        pageToken = result.nextPageToken;
        if (!pageToken) break;
      }
      if (mine !== generation) return;
      const shown = (status === 'open' ? items.filter((i) => !i.closed) : items).sort(byDueDate);
      render(shown, Boolean(pageToken));
    } catch (error) {
      if (mine !== generation) return;
      mount(
        body,
        error.status === 503
          ? h(
              'div',
              { class: 'alert alert-info' },
              'Tìm kiếm hồ sơ chưa sẵn sàng trên máy chủ này (cần Temporal có visibility).',
            )
          : errorBox(error),
      );
    }
  }

  function render(items, more) {
    const today = todayVN();
    const now = Date.now();
    const rows = items.map((item) => {
      const dueDate = item.dueAt ? civilDateOf(item.dueAt) : undefined;
      const cls = dueClass({ ...item, dueDate }, today, now);
      return { item, dueDate, cls };
    });
    const count = (c) => rows.filter((r) => r.cls === c).length;
    mount(
      summary,
      `${items.length} hồ sơ${more ? ' (hiện 500 hồ sơ đầu)' : ''} — ${count('overdue')} quá hạn, ${count('today')} đến hạn hôm nay, ${count('tomorrow')} đến hạn ngày mai.`,
    );
    if (items.length === 0) {
      mount(body, h('p', { class: 'muted' }, 'Không có hồ sơ nào.'));
      return;
    }
    const procedureName = (code) => catalogue.find((p) => p.code === code)?.name ?? '';
    mount(
      body,
      tableWrap(
        h(
          'table',
          { class: 'list worklist' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Mã hồ sơ'),
              h('th', { scope: 'col' }, 'Thủ tục'),
              h('th', { scope: 'col' }, 'Trạng thái'),
              h('th', { scope: 'col' }, 'Ngày hẹn trả'),
              h('th', { scope: 'col' }, 'Hạn'),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map(({ item, dueDate, cls }) =>
              h(
                'tr',
                { class: `due-${cls}`, dataset: { code: item.code, due: cls } },
                h('td', {}, h('a', { href: `#/ho-so/${item.code}` }, item.code)),
                h(
                  'td',
                  {},
                  h('span', { class: 'proc-code' }, item.procedure ?? ''),
                  ' ',
                  procedureName(item.procedure),
                ),
                h('td', {}, item.statusName ?? displayNames.statuses[item.status] ?? ''),
                h('td', {}, dueDate ? `${weekdayOf(dueDate)}, ${fmtDate(dueDate)}` : '—'),
                h('td', {}, h('span', { class: `due-chip due-${cls}` }, dueTexts[cls])),
              ),
            ),
          ),
        ),
        'Danh sách hồ sơ',
      ),
    );
  }

  await Promise.all([load(), loadInterAgency()]);
  // A specialist's or leader's events follow the dossiers of their own agency, not those that ask
  // it for an opinion: its steps are looked up again every 15 s as well. Supervisors and
  // administrators, who may see every agency's steps, get them again on each event in their scope
  // and with "Làm mới".
  const asked = official.role === 'specialist' || official.role === 'leader';
  const stepsTimer = asked ? setInterval(loadInterAgency, 15_000) : undefined;
  let timers = [];
  const stop = listenForChanges(
    (message) => {
      if (message.kind === 'feedback') return;
      const again = () => {
        load();
        loadInterAgency();
      };
      // Visibility follows the workflow a moment later: look again shortly, and once more after.
      for (const t of timers) clearTimeout(t);
      timers = [setTimeout(again, 600), setTimeout(again, 2500)];
    },
    (state) => {
      liveBadge.textContent =
        state === 'live'
          ? '● Cập nhật trực tiếp'
          : state === 'reconnecting'
            ? 'Đang kết nối lại…'
            : 'Không cập nhật trực tiếp';
      liveBadge.dataset.state = state;
    },
  );
  cleanup(() => {
    stop();
    clearInterval(stepsTimer);
    for (const t of timers) clearTimeout(t);
  });
}
