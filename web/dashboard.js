/**
 * Supervisor dashboard: the Decision 766 scoreboard of a unit for a period (GET /v1/indicators),
 * group by group, with on-time / late / pending and the digitization and online shares as simple
 * SVG and CSS charts; the ranking of the units below (GET /v1/indicators/ranking); the dossiers
 * behind an indicator (GET /v1/indicators/dossiers). Live: every dossier event in scope (server-sent
 * events, GET /v1/events) makes the page fetch the scoreboard again, without a reload.
 */
import { get, listenForChanges, query, subtreeOf } from './api.js';
import { drillDownIndicators, periodChoices } from './dashboard-choices.js';
import { displayNames } from './names.js';
import { errorBox, fmtDate, fmtTime, h, loading, mount, select, tableWrap, todayVN } from './ui.js';

const nf = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const pct = (rate) => (rate === null || rate === undefined ? '—' : `${nf.format(rate)}%`);

const { measures: measureNames, labels: targetLabels } = displayNames.targets;

/** Yearly targets (giao chỉ tiêu): each unit's share so far, its target and the forecast; who falls behind. */
function targetsCard(progress) {
  const given = progress.units.some((u) => u.measures.some((m) => m.target !== undefined));
  const behind = progress.units.filter((u) => u.behind);
  const cell = (m) =>
    h(
      'td',
      { class: ['num', m.behind ? 'late' : ''], dataset: { measure: m.measure } },
      h('span', { class: 'actual' }, pct(m.actual)),
      m.target === undefined ? '' : h('span', { class: 'small muted' }, ` / ${pct(m.target)}`),
      h('br'),
      h('span', { class: 'small' }, `→ ${pct(m.forecast)}`),
    );
  return h(
    'section',
    { class: 'card targets', 'aria-labelledby': 'targets-title', dataset: { year: String(progress.year) } },
    h('h2', { id: 'targets-title' }, `${targetLabels.title} ${progress.year}`),
    progress.decision
      ? h(
          'p',
          { class: 'muted small' },
          `Theo ${progress.decision.number}, ngày ${fmtDate(progress.decision.date)}`,
        )
      : null,
    given ? null : h('p', { class: 'muted' }, targetLabels.noTargets),
    h(
      'p',
      { class: 'small muted' },
      `${targetLabels.actual} / ${targetLabels.target} → ${targetLabels.forecast} (${nf.format(progress.elapsed * 100)}% của năm đã qua)`,
    ),
    tableWrap(
      h(
        'table',
        { class: 'list targets-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Đơn vị'),
            Object.values(measureNames).map((name) => h('th', { scope: 'col' }, name)),
          ),
        ),
        h(
          'tbody',
          {},
          progress.units.map((u) =>
            h(
              'tr',
              { dataset: { unit: u.unit.code, behind: String(u.behind) } },
              h('th', { scope: 'row' }, u.unit.name),
              u.measures.map(cell),
            ),
          ),
        ),
      ),
      targetLabels.title,
    ),
    behind.length === 0
      ? null
      : h(
          'div',
          { class: 'behind-units', role: 'status' },
          h('h3', {}, targetLabels.behind),
          h(
            'ul',
            {},
            behind.map((u) =>
              h(
                'li',
                {},
                `${u.unit.name}: `,
                u.measures
                  .filter((m) => m.behind)
                  .map((m) => `${measureNames[m.measure]} ${pct(m.forecast)} < ${pct(m.target)}`)
                  .join('; '),
              ),
            ),
          ),
        ),
  );
}

const drillNames = {
  2.1: ['Trước hạn, đúng hạn', 'Trễ hạn'],
  default: ['Đạt', 'Chưa đạt'],
};

export async function dashboardScreen(main, official, cleanup) {
  let units;
  try {
    units = await subtreeOf(official.unit);
  } catch (error) {
    mount(main, h('h1', {}, 'Chỉ số phục vụ người dân, doanh nghiệp'), errorBox(error));
    return;
  }
  const unitSelect = select(
    units.map((u) => ({ value: u.code, label: `${'— '.repeat(u.depth)}${u.name}` })),
    { id: 'unit-select' },
  );
  const periodSelect = select(periodChoices(todayVN()), { id: 'period-select' });
  const liveBadge = h(
    'span',
    { class: 'live-badge', role: 'status', dataset: { state: 'connecting' } },
    'Đang kết nối…',
  );
  const updated = h('span', { class: 'muted small updated-at', 'aria-live': 'off' });
  const board = h('div', { class: 'board' }, loading());
  const drill = h('div', { class: 'drill', 'aria-live': 'polite' });

  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)'),
      liveBadge,
      updated,
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'unit-select' }, 'Đơn vị'),
      unitSelect,
      h('label', { for: 'period-select' }, 'Kỳ đánh giá'),
      periodSelect,
    ),
    board,
    drill,
  );

  let generation = 0;
  let refreshes = 0;
  async function load() {
    const mine = ++generation;
    const unit = unitSelect.value;
    const period = periodSelect.value;
    try {
      const [scores, ranking, targets] = await Promise.all([
        get(`/v1/indicators${query({ unit, period })}`),
        units.some((u) => u.parent === unit)
          ? get(`/v1/indicators/ranking${query({ parent: unit, period })}`)
          : Promise.resolve(undefined),
        get(`/v1/targets${query({ unit, year: period.slice(0, 4) })}`).catch(() => undefined),
      ]);
      if (mine !== generation) return;
      refreshes += 1;
      render(scores, ranking, targets);
      board.dataset.unit = unit;
      board.dataset.period = period;
      updated.textContent = `Cập nhật lúc ${fmtTime(Date.now())}`;
      updated.dataset.refreshes = String(refreshes);
    } catch (error) {
      if (mine !== generation) return;
      mount(board, errorBox(error));
    }
  }

  function render(data, ranking, targets) {
    const sb = data.scoreboard;
    const c = data.counters;
    const byId = new Map(sb.indicators.map((i) => [i.id, i]));
    const late = Math.max(0, c.progressTotal - c.progressOnTime);
    const pending = Math.max(0, c.accepted - c.completed);
    mount(
      board,
      h(
        'div',
        { class: 'stat-row' },
        stat(
          'total',
          'Tổng điểm',
          `${nf.format(sb.total)} / 100`,
          `Xếp loại: ${sb.rating}${sb.notComputablePoints > 0 ? ` · ${nf.format(sb.notComputablePoints)} điểm không tính được` : ''}`,
        ),
        stat('accepted', 'Hồ sơ tiếp nhận trong kỳ', String(c.accepted), `${data.unitsIncluded} đơn vị`),
        stat('completed', 'Đã giải quyết xong', String(c.completed), `${pending} đang giải quyết`),
        stat('late', 'Trễ hạn (chỉ số 2.1)', String(late), `trên ${c.progressTotal} hồ sơ`),
      ),
      h(
        'div',
        { class: 'chart-row' },
        h(
          'section',
          { class: 'card chart', 'aria-labelledby': 'progress-title' },
          h('h2', { id: 'progress-title' }, 'Tiến độ giải quyết'),
          stackedBar([
            { label: 'Trước hạn, đúng hạn', value: c.progressOnTime, cls: 'seg-ok' },
            { label: 'Trễ hạn', value: late, cls: 'seg-late' },
          ]),
          stackedBar([
            { label: 'Đã giải quyết xong', value: c.completed, cls: 'seg-done' },
            { label: 'Đang giải quyết', value: pending, cls: 'seg-pending' },
          ]),
        ),
        h(
          'section',
          { class: 'card chart', 'aria-labelledby': 'shares-title' },
          h('h2', { id: 'shares-title' }, 'Số hóa và trực tuyến'),
          h(
            'div',
            { class: 'donuts' },
            donut('Hồ sơ được số hóa (4.2)', byId.get('4.2')?.rate),
            donut('Hồ sơ nộp trực tuyến (3.3)', byId.get('3.3')?.rate),
            donut('Kết quả điện tử (4.1)', byId.get('4.1')?.rate),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'groups-title' },
        h('h2', { id: 'groups-title' }, 'Điểm theo nhóm chỉ số'),
        h(
          'ul',
          { class: 'group-bars' },
          sb.groups.map((g) =>
            h(
              'li',
              { dataset: { group: g.id } },
              h('span', { class: 'group-name' }, `${g.id}. ${g.name}`),
              bar(g.max ? g.points / g.max : 0, `${nf.format(g.points)} / ${g.max} điểm`),
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'indicators-title' },
        h('h2', { id: 'indicators-title' }, 'Chỉ số thành phần'),
        tableWrap(
          h(
            'table',
            { class: 'list indicators' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Chỉ số', 'Tên', 'Tử số / mẫu số', 'Tỷ lệ', 'Điểm', 'Hồ sơ'].map((t) =>
                  h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              sb.indicators.map((i) =>
                h(
                  'tr',
                  { dataset: { indicator: i.id } },
                  h('td', {}, i.id),
                  h('td', {}, i.name),
                  h(
                    'td',
                    { class: 'num' },
                    i.average ? `${nf.format(i.average.days)} ngày TB` : `${i.numerator} / ${i.denominator}`,
                  ),
                  h(
                    'td',
                    { class: 'num', title: i.why ?? '' },
                    i.status === 'not-computable' ? 'Không tính được' : pct(i.rate),
                  ),
                  h('td', { class: 'num' }, `${nf.format(i.points)} / ${i.max}`),
                  h(
                    'td',
                    {},
                    drillDownIndicators.includes(i.id)
                      ? h(
                          'button',
                          {
                            type: 'button',
                            class: 'link-button',
                            'aria-label': `Xem hồ sơ của chỉ số ${i.id}`,
                            onclick: () => showDossiers(i),
                          },
                          'Xem hồ sơ',
                        )
                      : '',
                  ),
                ),
              ),
            ),
          ),
          'Chỉ số thành phần',
        ),
      ),
      ranking
        ? h(
            'section',
            { class: 'card', 'aria-labelledby': 'ranking-title' },
            h('h2', { id: 'ranking-title' }, 'Xếp hạng các đơn vị trực thuộc'),
            h(
              'ol',
              { class: 'ranking' },
              ranking.map((r) =>
                h(
                  'li',
                  {},
                  h('span', { class: 'rank' }, `${r.rank}.`),
                  h('span', { class: 'group-name' }, r.unit.name),
                  bar(r.total / 100, `${nf.format(r.total)} điểm`),
                ),
              ),
            ),
          )
        : null,
      targets ? targetsCard(targets) : null,
    );
  }

  async function showDossiers(indicator) {
    mount(drill, loading());
    try {
      const data = await get(
        `/v1/indicators/dossiers${query({ unit: unitSelect.value, period: periodSelect.value, indicator: indicator.id })}`,
      );
      const [yes, no] = drillNames[indicator.id] ?? drillNames.default;
      const list = (codes) =>
        codes.length === 0
          ? h('p', { class: 'muted' }, 'Không có hồ sơ.')
          : h(
              'ul',
              { class: 'codes' },
              codes.map((code) => h('li', {}, h('a', { href: `#/ho-so/${code}` }, code))),
            );
      mount(
        drill,
        h(
          'section',
          {
            class: 'card drill-down',
            'aria-labelledby': 'drill-title',
            dataset: { indicator: indicator.id },
          },
          h(
            'h2',
            { id: 'drill-title', tabindex: '-1' },
            `Hồ sơ của chỉ số ${indicator.id}: ${indicator.name}`,
          ),
          h(
            'div',
            { class: 'grid-2' },
            h('div', {}, h('h3', {}, `${yes} (${data.numerator.length})`), list(data.numerator)),
            h('div', {}, h('h3', {}, `${no} (${data.rest.length})`), list(data.rest)),
          ),
        ),
      );
      document.getElementById('drill-title')?.focus();
    } catch (error) {
      mount(drill, errorBox(error));
    }
  }

  unitSelect.addEventListener('change', () => {
    mount(drill);
    load();
  });
  periodSelect.addEventListener('change', () => {
    mount(drill);
    load();
  });
  await load();

  let timers = [];
  const stop = listenForChanges(
    () => {
      // The aggregator applies the event a moment after it is published: fetch now and once more.
      for (const t of timers) clearTimeout(t);
      timers = [setTimeout(load, 300), setTimeout(load, 1500)];
    },
    (state) => {
      liveBadge.dataset.state = state;
      liveBadge.textContent =
        state === 'live'
          ? '● Cập nhật trực tiếp'
          : state === 'reconnecting'
            ? 'Đang kết nối lại…'
            : 'Không cập nhật trực tiếp';
    },
  );
  cleanup(() => {
    stop();
    for (const t of timers) clearTimeout(t);
  });
}

function stat(key, label, value, note) {
  return h(
    'div',
    { class: 'stat card', dataset: { stat: key } },
    h('p', { class: 'stat-label' }, label),
    h('p', { class: 'stat-value' }, value),
    h('p', { class: 'stat-note muted small' }, note),
  );
}

/** A horizontal bar with its text; `fraction` 0..1. */
function bar(fraction, text) {
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  return h(
    'span',
    { class: 'bar' },
    h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
    h('span', { class: 'bar-text' }, text),
  );
}

/** A stacked bar in SVG with a legend carrying the numbers (the legend is what screen readers read). */
function stackedBar(parts) {
  const total = parts.reduce((s, p) => s + p.value, 0);
  const svg = h('svg', {
    viewBox: '0 0 100 8',
    preserveAspectRatio: 'none',
    class: 'stacked',
    'aria-hidden': 'true',
  });
  let x = 0;
  if (total === 0) svg.append(h('rect', { x: '0', y: '0', width: '100', height: '8', class: 'seg-empty' }));
  for (const p of parts) {
    const w = total ? (p.value / total) * 100 : 0;
    if (w > 0)
      svg.append(
        h(
          'rect',
          { x: String(x), y: '0', width: String(w), height: '8', class: p.cls },
          h('title', {}, `${p.label}: ${p.value}`),
        ),
      );
    x += w;
  }
  return h(
    'figure',
    { class: 'stacked-figure' },
    svg,
    h(
      'figcaption',
      { class: 'legend' },
      parts.map((p) =>
        h(
          'span',
          { class: 'legend-item' },
          h('span', { class: ['swatch', p.cls], 'aria-hidden': 'true' }),
          `${p.label}: `,
          h('strong', {}, String(p.value)),
          total ? ` (${nf.format((p.value / total) * 100)}%)` : '',
        ),
      ),
    ),
  );
}

/** A donut chart of a percentage (null: no data). */
function donut(label, rate) {
  const r = 15.915; // circumference 100
  const value = rate === null || rate === undefined ? 0 : Math.max(0, Math.min(100, rate));
  const svg = h(
    'svg',
    { viewBox: '0 0 42 42', class: 'donut', role: 'img', 'aria-label': `${label}: ${pct(rate)}` },
    h('circle', { cx: '21', cy: '21', r: String(r), class: 'donut-track' }),
    h('circle', {
      cx: '21',
      cy: '21',
      r: String(r),
      class: 'donut-value',
      'stroke-dasharray': `${value} ${100 - value}`,
      'stroke-dashoffset': '25',
    }),
    h('text', { x: '21', y: '23.5', 'text-anchor': 'middle', class: 'donut-text' }, pct(rate)),
  );
  return h('figure', { class: 'donut-figure' }, svg, h('figcaption', {}, label));
}
