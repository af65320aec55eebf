/**
 * Small DOM helpers for the console: an element builder that never parses HTML (text is always
 * text), Vietnam-time formatting, form fields with labels and inline errors, date fields typed
 * dd/mm/yyyy, dialogs and toasts.
 */
import { formatNumber, formatVnDate, parseVnDate } from './vn-format.js';

export { formatNumber, parseVnNumber } from './vn-format.js';

/**
 * h('button', { class: 'primary', onclick: fn, 'aria-label': '…' }, 'Text', child, [more])
 * Strings become text nodes; null, undefined and false are skipped; arrays are flattened.
 */
export function h(tag, attrs = {}, ...children) {
  const el =
    tag === 'svg' || SVG_TAGS.has(tag) ? document.createElementNS(SVG, tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class')
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled' || key === 'required') {
      el[key] = Boolean(value);
      if (value) el.setAttribute(key, '');
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
const SVG_TAGS = new Set(['rect', 'circle', 'path', 'g', 'text', 'line', 'title', 'desc']);

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of an element. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let idCounter = 0;
export function uid(prefix = 'f') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// ---------------------------------------------------------------------------------------------
// Time: everything is shown in Vietnam time, whatever the browser's time zone.

const TZ = 'Asia/Ho_Chi_Minh';
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function vnParts(instant) {
  const parts = Object.fromEntries(
    dateTimeFormat.formatToParts(new Date(instant)).map((part) => [part.type, part.value]),
  );
  return parts;
}

/** The civil date (YYYY-MM-DD) of an instant in Vietnam. */
export function civilDateOf(instant) {
  const p = vnParts(instant);
  return `${p.year}-${p.month}-${p.day}`;
}

export function todayVN(now = Date.now()) {
  return civilDateOf(now);
}

/** YYYY-MM-DD plus n calendar days. */
export function addDays(civil, n) {
  const d = new Date(`${civil}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function isWeekend(civil) {
  const day = new Date(`${civil}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}

/** 'YYYY-MM-DD' → 'dd/MM/yyyy'. */
export const fmtDate = formatVnDate;

/** An instant → 'HH:mm dd/MM/yyyy' in Vietnam time. */
export function fmtDateTime(instant) {
  if (instant === undefined || instant === null || instant === '') return '';
  const t = typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(t)) return String(instant);
  const p = vnParts(t);
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

export function fmtTime(instant) {
  const p = vnParts(instant);
  return `${p.hour}:${p.minute}:${p.second}`;
}

const weekdays = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
export function weekdayOf(civil) {
  return weekdays[new Date(`${civil}T00:00:00Z`).getUTCDay()];
}

export function fmtMoney(vnd) {
  return `${formatNumber(vnd)} đồng`;
}

export function fmtDuration(ms) {
  if (!ms) return '0 giờ';
  const hours = ms / 3_600_000;
  if (hours < 24) return `${Math.round(hours * 10) / 10} giờ`;
  return `${Math.round((hours / 24) * 10) / 10} ngày`;
}

// ---------------------------------------------------------------------------------------------
// Fields

/**
 * A labelled input with a hint and an inline error (aria-describedby, aria-invalid).
 * Returns { wrap, input, setError(message | '') }.
 */
export function field({ label, input, hint, required = false, className }) {
  const id = input.id || uid('f');
  input.id = id;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  if (required) {
    input.required = true;
    input.setAttribute('aria-required', 'true');
  }
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const describedBy = [hint ? hintId : '', errorId].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  const wrap = h(
    'div',
    { class: ['field', className] },
    h(
      'label',
      { for: id },
      label,
      required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
    ),
    input,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    error,
  );
  const setError = (message) => {
    error.textContent = message || '';
    error.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  return { wrap, input, setError };
}

/**
 * A date typed dd/mm/yyyy, whatever the browser's locale (an `<input type=date>` shows the
 * browser's own format). On leaving the field a valid date is written out in full (1/2/2026 →
 * 01/02/2026) and the weekday is said under it. Read it with `dateOf(input)`.
 */
export function dateInput(name, attrs = {}) {
  const input = h('input', {
    type: 'text',
    name,
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: 'dd/mm/yyyy',
    maxlength: '14',
    class: 'date-input',
    ...attrs,
  });
  input.addEventListener('blur', () => {
    const iso = parseVnDate(input.value);
    if (iso) input.value = formatVnDate(iso);
  });
  return input;
}

/** The date of a `dateInput`: { iso } ('' when empty) or { error } when it is not a date. */
export function dateOf(input) {
  const text = input.value.trim();
  if (!text) return { iso: '' };
  const iso = parseVnDate(text);
  if (iso) return { iso };
  return { error: 'Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 29/04/2026.' };
}

/** A plain text input that the browser does not fill in from earlier entries. */
export function textInput(name, attrs = {}) {
  return h('input', { type: 'text', name, autocomplete: 'off', ...attrs });
}

export function select(options, attrs = {}) {
  return h(
    'select',
    attrs,
    options.map((o) => h('option', { value: o.value, selected: o.selected }, o.label)),
  );
}

// ---------------------------------------------------------------------------------------------
// Feedback

export function toast(message, kind = 'info') {
  const box = document.getElementById('toast');
  if (!box) return;
  const item = h('div', { class: ['toast', `toast-${kind}`] }, message);
  box.append(item);
  setTimeout(() => item.remove(), 6000);
}

/** An error box listing the API's message and every failing field. */
export function errorBox(error) {
  const issues = Array.isArray(error?.issues) ? error.issues : [];
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert' },
    h('p', {}, error?.message ?? String(error)),
    issues.length
      ? h(
          'ul',
          {},
          issues.map((i) => h('li', {}, i)),
        )
      : null,
  );
}

export function loading(text = 'Đang tải…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

/**
 * A modal dialog (native <dialog>: focus is trapped, Esc closes). `build(close)` returns its body.
 * Resolves when closed.
 */
export function openDialog(title, build) {
  const titleId = uid('dlg');
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId });
  const close = () => dialog.close();
  dialog.append(
    h(
      'div',
      { class: 'dialog-head' },
      h('h2', { id: titleId }, title),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Đóng', onclick: close }, '×'),
    ),
    build(close),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    dialog.showModal();
    const first = dialog.querySelector('input, select, textarea, button:not(.icon-button)');
    first?.focus();
  });
}

/** A wrapper that lets a wide table scroll sideways on a narrow screen. */
export function tableWrap(table, label) {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' }, table);
}
