/**
 * The statutory forms laid out for A5 paper (TT 01/2018 Art 9; TT 03/2025 numbering as the form
 * data says): receipt (Mẫu 01), supplementation request (02), refusal (03), apology (04), stop
 * notice (05, TT 03/2025), control sheet. The data comes from GET /v1/dossiers/{code}/forms/{form}
 * (or the receive response); labels and form names from the server's names.js. Print CSS in
 * console.css (@page A5).
 */
import { get } from './api.js';
import { displayNames } from './names.js';
import { errorBox, h, loading, mount } from './ui.js';

/** Field keys printed in the signature block rather than in the list. */
const signatureKeys = new Set(['officerName', 'signerTitle', 'signerName']);

const columns = {
  receipt: ['no', 'name', 'form', 'copies', 'digitized'],
  'supplementation-request': ['no', 'name', 'reason', 'form'],
  'control-sheet': [
    'no',
    'fromUnit',
    'fromPerson',
    'toUnit',
    'toPerson',
    'handedOverAt',
    'dueAt',
    'result',
    'note',
  ],
};

const closing = {
  'supplementation-request':
    'Đề nghị ông/bà bổ sung, hoàn thiện hồ sơ theo các nội dung nêu trên. Mọi nội dung cần bổ sung đã được hướng dẫn một lần, đầy đủ.',
  refusal: 'Xin thông báo để ông/bà được biết hồ sơ không được tiếp nhận giải quyết vì lý do nêu trên.',
  apology:
    'Hồ sơ chưa được giải quyết xong theo đúng ngày hẹn. Cơ quan chúng tôi thành thật xin lỗi ông/bà vì sự chậm trễ này và hẹn lại ngày trả kết quả như trên.',
  'stop-notice': 'Xin thông báo để ông/bà được biết việc dừng giải quyết hồ sơ vì lý do nêu trên.',
};

const signatures = {
  receipt: (f) => [
    { title: 'NGƯỜI NỘP HỒ SƠ', note: '(Ký và ghi rõ họ tên)' },
    { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', note: '(Ký và ghi rõ họ tên)', name: f.officerName },
  ],
  'supplementation-request': (f) => [
    { title: 'NGƯỜI HƯỚNG DẪN', note: '(Ký và ghi rõ họ tên)', name: f.officerName },
  ],
  refusal: (f) => [{ title: 'NGƯỜI LẬP PHIẾU', note: '(Ký và ghi rõ họ tên)', name: f.officerName }],
  apology: (f) => [
    { title: String(f.signerTitle ?? '').toUpperCase(), note: '(Ký, ghi rõ họ tên)', name: f.signerName },
  ],
  'stop-notice': (f) => [
    { title: String(f.signerTitle ?? '').toUpperCase(), note: '(Ký, ghi rõ họ tên)', name: f.signerName },
  ],
  'control-sheet': () => [],
};

/** A printed value: dates dd/MM/yyyy, times HH:mm, coded values as their text. */
export function printed(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'Có' : 'Không';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (typeof value === 'object') {
    if ('text' in value) return String(value.text);
    if ('time' in value && 'date' in value) return `${value.time} ngày ${value.date}`;
    if ('date' in value) return String(value.date);
    if ('code' in value && value.code === 'applicant') return displayNames.roles.applicant;
    if ('name' in value) return String(value.name);
  }
  return JSON.stringify(value);
}

function dateLine(issuedDate) {
  const [d, m, y] = String(issuedDate ?? '').split('/');
  return d && m && y ? `ngày ${d} tháng ${m} năm ${y}` : '';
}

/**
 * The form as a sheet ready to print. `extra.lookupSecret` prints the citizen's lookup secret on
 * a receipt (it is only known when the dossier is received).
 */
export function renderForm(data, extra = {}) {
  const kind = data.kind;
  const fieldLabels = displayNames.formLabels[kind] ?? {};
  const fields = data.fields ?? {};
  const rows = Object.keys(fieldLabels)
    .filter((key) => key in fields && !signatureKeys.has(key) && printed(fields[key]) !== '')
    .map((key) =>
      h('tr', {}, h('th', { scope: 'row' }, `${fieldLabels[key]}:`), h('td', {}, printed(fields[key]))),
    );
  const lineColumns = (columns[kind] ?? []).filter((c) =>
    (data.lines ?? []).some((line) => line[c] !== undefined),
  );
  const lines =
    Array.isArray(data.lines) && data.lines.length > 0
      ? h(
          'table',
          { class: 'form-lines' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              lineColumns.map((c) => h('th', { scope: 'col' }, fieldLabels[c] ?? c)),
            ),
          ),
          h(
            'tbody',
            {},
            data.lines.map((line) =>
              h(
                'tr',
                {},
                lineColumns.map((c) => h('td', {}, printed(line[c]))),
              ),
            ),
          ),
        )
      : null;
  const signers = (signatures[kind] ?? (() => []))(fields);
  return h(
    'article',
    {
      class: ['form-sheet', kind === 'control-sheet' ? 'landscape' : ''],
      dataset: { kind, paper: data.paper ?? 'A5', formSet: data.formSet ?? '' },
      'aria-label': `${data.number}: ${data.title}`,
    },
    h('p', { class: 'form-number' }, data.number),
    h(
      'header',
      { class: 'form-head' },
      h(
        'div',
        { class: 'form-issuer' },
        h('p', { class: 'upper strong' }, data.issuingUnit?.name ?? ''),
        h('p', {}, `Số: ${data.documentNumber ?? '……'}`),
      ),
      h(
        'div',
        { class: 'form-nation' },
        h('p', { class: 'strong' }, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'),
        h('p', { class: 'strong motto' }, 'Độc lập - Tự do - Hạnh phúc'),
        h('p', { class: 'italic' }, dateLine(data.issuedDate)),
      ),
    ),
    h('h2', { class: 'form-title' }, String(data.title ?? '').toUpperCase()),
    h('table', { class: 'form-fields' }, h('tbody', {}, rows)),
    lines,
    closing[kind] ? h('p', { class: 'form-closing' }, closing[kind]) : null,
    extra.lookupSecret
      ? h(
          'p',
          { class: 'form-lookup' },
          'Mã tra cứu hồ sơ: ',
          h('strong', { class: 'lookup-secret' }, extra.lookupSecret),
          ` — tra cứu tình trạng hồ sơ tại ${location.origin}/console/#/tra-cuu với mã hồ sơ và mã tra cứu.`,
        )
      : null,
    signers.length
      ? h(
          'div',
          { class: ['form-signatures', signers.length === 1 ? 'single' : ''] },
          signers.map((s) =>
            h(
              'div',
              { class: 'signer' },
              h('p', { class: 'strong' }, s.title),
              h('p', { class: 'italic small' }, s.note),
              h('p', { class: 'signer-name' }, s.name ?? ''),
            ),
          ),
        )
      : null,
    h('p', { class: 'form-basis' }, `${data.number} — ${data.legalBasis ?? ''}`),
  );
}

/** #/bieu-mau/{code}/{form}: one form alone, with a print button (hidden when printing). */
export async function printScreen(main, code, kind) {
  mount(main, loading());
  try {
    const data = await get(`/v1/dossiers/${encodeURIComponent(code)}/forms/${encodeURIComponent(kind)}`);
    mount(
      main,
      h(
        'div',
        { class: 'print-toolbar no-print' },
        h('h1', {}, displayNames.forms[kind] ?? kind),
        h('p', {}, `Hồ sơ ${code}. Khổ giấy A5; bản in chỉ gồm biểu mẫu.`),
        h(
          'div',
          { class: 'actions-row' },
          h(
            'button',
            { type: 'button', class: 'primary', onclick: () => window.print() },
            'In biểu mẫu (A5)',
          ),
          h('a', { class: 'button', href: `#/ho-so/${code}` }, 'Quay lại hồ sơ'),
        ),
      ),
      h('div', { class: 'print-area' }, renderForm(data)),
    );
  } catch (error) {
    mount(
      main,
      h('h1', {}, displayNames.forms[kind] ?? kind),
      errorBox(error),
      h('a', { href: `#/ho-so/${code}` }, 'Quay lại hồ sơ'),
    );
  }
}
