/**
 * Dates and numbers as Vietnamese officials write them, whatever the browser's locale: dates
 * dd/mm/yyyy (typed into a text field, never `<input type=date>`, whose format follows the
 * browser), numbers with the vi-VN separators (1.234.567,5). Pure: no DOM, so Node tests import it.
 */

const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

/** 'YYYY-MM-DD' → 'dd/mm/yyyy' (anything else is returned as it is). */
export function formatVnDate(civil) {
  if (!civil || !/^\d{4}-\d{2}-\d{2}/.test(civil)) return civil ?? '';
  const [y, m, d] = civil.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/**
 * A typed date → 'YYYY-MM-DD', or undefined when it is not a real date. Takes dd/mm/yyyy and the
 * usual variants: d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, surrounding spaces.
 */
export function parseVnDate(text) {
  const match = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/.exec(String(text ?? ''));
  if (!match) return undefined;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2200) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return date.toISOString().slice(0, 10);
}

/** A number with the vi-VN separators: 1234567.5 → '1.234.567,5'. */
export function formatNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return numberFormat.format(value);
}

/**
 * A typed number → a number, or undefined when it is not one. Vietnamese writing: '.' groups
 * thousands and ',' marks decimals ('1.234.567,5'); a plain '97.5' with one dot and one to two
 * decimals is read as a decimal too, as officials also type it so.
 */
export function parseVnNumber(text) {
  const v = String(text ?? '')
    .trim()
    .replace(/\s/g, '');
  if (!v) return undefined;
  let normalized;
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(v)) normalized = v.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d+(,\d+)?$/.test(v)) normalized = v.replace(',', '.');
  else if (/^-?\d+\.\d{1,2}$/.test(v)) normalized = v;
  else return undefined;
  const n = Number(normalized);
  return Number.isFinite(n) ? n : undefined;
}
