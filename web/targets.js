/**
 * Giving the units their yearly targets (giao chỉ tiêu): the province's supervisors and the
 * administrators choose the year, write the decision's number and date (dd/mm/yyyy) and each
 * unit's targets in per cent (typed the Vietnamese way, 97,5), and send them whole
 * (PUT /v1/targets/{year}). The year's targets as given fill the form (GET /v1/targets/{year}); the
 * units listed are those under the province and any other unit the decision names. The dashboard
 * (#/giam-sat) then shows each unit's progress, the forecast to the end of the year and who falls
 * behind.
 */
import { ApiError, api, get, organisation } from './api.js';
import { displayNames } from './names.js';
import {
  dateInput,
  dateOf,
  errorBox,
  field,
  fmtDate,
  formatNumber,
  h,
  loading,
  mount,
  parseVnNumber,
  select,
  tableWrap,
  textInput,
  toast,
  todayVN,
} from './ui.js';

const { measures: measureNames, labels } = displayNames.targets;
const measures = Object.keys(measureNames);

/** The province whose targets the official gives: the official's own, when they may give them. */
async function issuingUnit(official) {
  const org = await organisation();
  const province = org.byCode.get(official.unit)?.province ?? official.unit;
  const mayGive =
    official.role === 'administrator' || (official.role === 'supervisor' && official.unit === province);
  return { org, province, mayGive };
}

/** The stored targets of a year, or undefined before any. */
async function givenTargets(province, year) {
  try {
    return await get(`/v1/targets/${year}?issuedBy=${encodeURIComponent(province)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** A percentage typed in a cell: { value } (undefined when empty), or { error } when not 0–100. */
function percentOf(text) {
  if (!String(text ?? '').trim()) return { value: undefined };
  const value = parseVnNumber(text);
  if (value === undefined || value < 0 || value > 100) return { error: true };
  return { value };
}

export async function targetsScreen(main, official) {
  mount(main, h('h1', {}, labels.give), loading());
  let context;
  try {
    context = await issuingUnit(official);
  } catch (error) {
    mount(main, h('h1', {}, labels.give), errorBox(error));
    return;
  }
  const { org, province, mayGive } = context;
  if (!mayGive) {
    mount(main, h('h1', {}, labels.give), h('p', { class: 'alert alert-info' }, labels.onlyIssuer));
    return;
  }
  const thisYear = Number(todayVN().slice(0, 4));
  const yearSelect = select(
    [thisYear, thisYear + 1, thisYear - 1].map((y) => ({ value: String(y), label: String(y) })),
    { id: 'targets-year', name: 'year' },
  );
  const body = h('div', {}, loading());
  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'targets-form-title' }, `${labels.give} — ${org.byCode.get(province)?.name}`),
    ),
    h('div', { class: 'toolbar' }, h('label', { for: 'targets-year' }, labels.year), yearSelect),
    body,
  );
  const show = async () => {
    mount(body, loading());
    try {
      const year = Number(yearSelect.value);
      const given = await givenTargets(province, year);
      mount(body, targetsForm({ org, province, year, given }));
    } catch (error) {
      mount(body, errorBox(error));
    }
  };
  yearSelect.addEventListener('change', show);
  await show();
}

/** The units given targets: those under the province, then any other unit the decision names. */
function unitsOf(org, province, given) {
  const children = org.units.filter((u) => u.parent === province).map((u) => u.code);
  const named = (given?.targets ?? []).map((t) => t.unit).filter((code) => !children.includes(code));
  return [...children, ...named].map((code) => ({ code, name: org.byCode.get(code)?.name ?? code }));
}

function targetsForm({ org, province, year, given }) {
  const units = unitsOf(org, province, given);
  const number = field({
    label: labels.decisionNumber,
    input: textInput('decisionNumber', { value: given?.decision.number ?? '' }),
    required: true,
  });
  const date = field({
    label: labels.decisionDate,
    input: dateInput('decisionDate', { value: given ? fmtDate(given.decision.date) : '' }),
    hint: 'dd/mm/yyyy',
    required: true,
  });
  const cellOf = (unit, measure) => {
    const value = given?.targets.find((t) => t.unit === unit.code)?.[measure];
    return h('input', {
      type: 'text',
      inputmode: 'decimal',
      autocomplete: 'off',
      class: 'target-input',
      name: `${unit.code}:${measure}`,
      value: value === undefined ? '' : formatNumber(value),
      'aria-label': `${measureNames[measure]} (%) — ${unit.name}`,
      'aria-describedby': 'targets-hint',
      dataset: { unit: unit.code, measure },
    });
  };
  const rows = units.map((unit) => ({ unit, cells: measures.map((m) => cellOf(unit, m)) }));
  const status = h('div', { class: 'targets-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, labels.save);
  const form = h(
    'form',
    { class: 'card targets-form', novalidate: true, dataset: { year: String(year) } },
    h('div', { class: 'grid-2' }, number.wrap, date.wrap),
    h('p', { class: 'hint', id: 'targets-hint' }, labels.percentHint),
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
            h('th', { scope: 'col' }, labels.unit),
            measures.map((m) => h('th', { scope: 'col' }, `${measureNames[m]} (%)`)),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map(({ unit, cells }) =>
            h(
              'tr',
              { dataset: { unit: unit.code } },
              h('th', { scope: 'row' }, unit.name),
              cells.map((cell) => h('td', {}, cell)),
            ),
          ),
        ),
      ),
      labels.give,
    ),
    status,
    h('div', { class: 'actions-row' }, submit),
  );

  /** The document to send, or the list of what is wrong (said under the table and on each field). */
  const read = () => {
    const problems = [];
    number.setError(number.input.value.trim() ? '' : 'Nhập số quyết định.');
    if (!number.input.value.trim()) problems.push(`${labels.decisionNumber}: chưa nhập`);
    const day = dateOf(date.input);
    const dateError = day.error ?? (day.iso ? '' : 'Nhập ngày quyết định (dd/mm/yyyy).');
    date.setError(dateError);
    if (dateError) problems.push(`${labels.decisionDate}: ${dateError}`);
    const targets = [];
    for (const { unit, cells } of rows) {
      const target = { unit: unit.code };
      for (const cell of cells) {
        const parsed = percentOf(cell.value);
        if (parsed.error) {
          cell.setAttribute('aria-invalid', 'true');
          problems.push(
            `${unit.name}, ${measureNames[cell.dataset.measure]}: "${cell.value}" không phải tỷ lệ từ 0 đến 100`,
          );
        } else {
          cell.removeAttribute('aria-invalid');
          if (parsed.value !== undefined) target[cell.dataset.measure] = parsed.value;
        }
      }
      if (Object.keys(target).length > 1) targets.push(target);
    }
    if (problems.length === 0 && targets.length === 0) problems.push('Chưa giao chỉ tiêu cho đơn vị nào.');
    if (problems.length > 0) return { problems };
    const payload = {
      issuedBy: province,
      year,
      decision: { number: number.input.value.trim(), date: day.iso },
      targets,
    };
    if (given?.note) payload.note = given.note;
    return { payload };
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { problems, payload } = read();
    if (problems) {
      mount(status, errorBox({ message: 'Chưa lưu: kiểm tra lại các ô sau.', issues: problems }));
      return;
    }
    submit.disabled = true;
    try {
      const saved = await api('PUT', `/v1/targets/${year}`, payload);
      mount(
        status,
        h(
          'div',
          { class: 'alert alert-success', role: 'status' },
          `${labels.saved} ${saved.year}: ${saved.targets.length} đơn vị, theo ${saved.decision.number} ngày ${fmtDate(saved.decision.date)}. `,
          h('a', { href: '#/giam-sat' }, labels.seeProgress),
        ),
      );
      toast(`${labels.saved} ${saved.year}`, 'success');
    } catch (error) {
      mount(status, errorBox(error));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
