/**
 * Part 3 of the counter's intake form: the procedure's checklist of documents (brought or not, on
 * paper or electronic, the main document or an alternative), the summary of what is missing (a
 * receipt or a supplementation request will be issued), and the same-day receipt request.
 */
import { acceptDrops, scanAttachment } from '../scan-attachment.js';
import { h, mount, select } from '../ui.js';

const noProcedureText = 'Chọn thủ tục để hiện danh mục thành phần hồ sơ.';

/** One document of the checklist: its list item and its inputs. */
function documentRow(doc, i, onChange) {
  const id = `doc-${i}`;
  const present = h('input', { type: 'checkbox', id: `${id}-present`, name: `${id}-present` });
  const paper = h('input', {
    type: 'radio',
    name: `${id}-form`,
    id: `${id}-paper`,
    value: 'paper',
    checked: true,
  });
  const electronic = h('input', {
    type: 'radio',
    name: `${id}-form`,
    id: `${id}-electronic`,
    value: 'electronic',
  });
  const kinds = [doc.kind, ...(doc.alternatives ?? [])];
  const kindSelect =
    kinds.length > 1
      ? select(
          kinds.map((k) => ({
            value: k,
            label: k === doc.kind ? 'Giấy tờ chính' : `Thay thế: ${k.replaceAll('-', ' ')}`,
          })),
          { id: `${id}-kind` },
        )
      : null;
  const details = h(
    'div',
    { class: 'doc-details', hidden: true },
    h(
      'fieldset',
      { class: 'inline' },
      h('legend', {}, 'Hình thức'),
      h('span', { class: 'check' }, paper, h('label', { for: `${id}-paper` }, 'Bản giấy')),
      h('span', { class: 'check' }, electronic, h('label', { for: `${id}-electronic` }, 'Bản điện tử')),
    ),
    kindSelect
      ? h('span', { class: 'inline-field' }, h('label', { for: `${id}-kind` }, 'Loại giấy tờ'), kindSelect)
      : null,
  );
  const sync = () => {
    details.hidden = !present.checked;
    onChange();
  };
  for (const input of [present, paper, electronic]) input.addEventListener('change', sync);
  // The scan: attached once the document is ticked as brought (or dropped onto the row, which ticks it).
  const scan = scanAttachment(doc.name);
  details.append(scan.node);
  const item = h(
    'li',
    { class: ['doc', doc.required ? 'required' : 'optional'], dataset: { kind: doc.kind } },
    h(
      'div',
      { class: 'check doc-main' },
      present,
      h(
        'label',
        { for: `${id}-present` },
        doc.name,
        ' ',
        doc.required
          ? h('span', { class: 'badge badge-required' }, 'Bắt buộc')
          : h('span', { class: 'badge' }, doc.condition ? `Nếu: ${doc.condition}` : 'Nếu có'),
      ),
    ),
    doc.note ? h('p', { class: 'hint' }, doc.note) : null,
    details,
  );
  acceptDrops(item, (file) => {
    if (!present.checked) {
      present.checked = true;
      sync();
    }
    scan.attach(file);
  });
  return { doc, item, present, electronic, kindSelect, scan };
}

function missingSummary(missing) {
  if (missing.length === 0)
    return h('p', { class: 'ok' }, '✓ Đủ các thành phần hồ sơ bắt buộc: hồ sơ sẽ được tiếp nhận (Mẫu 01).');
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'warn' },
      `Còn thiếu ${missing.length} thành phần bắt buộc: sẽ lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) nêu đủ các nội dung:`,
    ),
    h(
      'ul',
      {},
      missing.map((r) => h('li', {}, r.doc.name)),
    ),
    h(
      'p',
      { class: 'hint' },
      'Thành phần mà người nộp đã có bản số hóa từ hồ sơ trước được dùng lại tự động, không phải nộp lại (ND 45/2020).',
    ),
  );
}

export function intakeDocumentsSection() {
  const documentsBox = h(
    'div',
    { class: 'documents', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, noProcedureText),
  );
  const missingBox = h('div', { class: 'missing-summary', role: 'status' });
  let rows = [];

  const receiptRequested = h('input', { type: 'checkbox', id: 'receipt-requested', checked: true });
  const receiptRequestedBox = h(
    'div',
    { class: 'check', hidden: true },
    receiptRequested,
    h(
      'label',
      { for: 'receipt-requested' },
      'Người nộp yêu cầu cấp Giấy tiếp nhận (thủ tục giải quyết trong ngày)',
    ),
  );

  const updateMissing = () =>
    mount(missingBox, missingSummary(rows.filter((r) => r.doc.required && !r.present.checked)));

  return {
    card: h(
      'section',
      { class: 'card' },
      h('h2', {}, '3. Thành phần hồ sơ'),
      documentsBox,
      missingBox,
      receiptRequestedBox,
    ),
    /** Shows the checklist of this procedure (none for `undefined`). */
    show(procedure) {
      rows = [];
      receiptRequestedBox.hidden = procedure?.duration?.unit !== 'same-day';
      if (!procedure) {
        mount(documentsBox, h('p', { class: 'muted' }, noProcedureText));
        mount(missingBox);
        return;
      }
      rows = procedure.requiredDocuments.map((doc, i) => documentRow(doc, i, updateMissing));
      mount(
        documentsBox,
        h(
          'p',
          { class: 'hint' },
          'Đánh dấu các giấy tờ người nộp đã mang đến và hình thức của từng giấy tờ.',
        ),
        h(
          'ol',
          { class: 'doc-list' },
          rows.map((r) => r.item),
        ),
      );
      updateMissing();
    },
    /** The documents brought, as the API takes them. */
    documents: () =>
      rows
        .filter((r) => r.present.checked)
        .map((r) => ({
          kind: r.kindSelect ? r.kindSelect.value : r.doc.kind,
          form: r.electronic.checked ? 'electronic' : 'paper',
          ...(r.scan.fileRef() ? { fileRef: r.scan.fileRef() } : {}),
        })),
    /** Whether a scan is still being uploaded. */
    uploading: () => rows.some((r) => r.present.checked && r.scan.busy()),
    receiptRequested: () => receiptRequested.checked,
  };
}
