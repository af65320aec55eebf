/** What the citizens' screens share: the focus on a new screen's heading, errors as text. */
import { h } from '../ui.js';
import { CitizenApiError } from './citizen-api.js';

export function heading(text) {
  return h('h1', { tabindex: '-1' }, text);
}

/** Moves the focus to the new screen's heading (screen readers and keyboard users start there). */
export function focusHeading() {
  document.getElementById('main')?.querySelector('h1')?.focus();
}

export function errorText(error) {
  return error instanceof CitizenApiError || error instanceof Error ? error.message : String(error);
}

export function vnd(amount) {
  return `${Number(amount).toLocaleString('vi-VN')} đồng`;
}

export function dateTime(iso) {
  return iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : '';
}

/** 'dd/mm/yyyy' of a civil date 'yyyy-mm-dd'. */
export function civil(date) {
  const [y, m, d] = String(date).split('-');
  return d ? `${d}/${m}/${y}` : String(date);
}
