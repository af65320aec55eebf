/**
 * Bộ phận Tiếp nhận và Trả kết quả: receive a dossier (POST /v1/dossiers) with the checklist of the
 * procedure from the catalogue, and the receipt (Mẫu 01), supplementation request (Mẫu 02) or
 * refusal (Mẫu 03) ready to print; the dossiers waiting to be handed back.
 */
import { get, organisation, post, procedures, query } from './api.js';
import { renderForm } from './forms.js';
import {
  checkEmail,
  checkPersonalId,
  checkPhone,
  checkRequiredText,
  checkTaxCode,
  DOSSIER_CODE,
  statusNames,
} from './rules.js';
import {
  errorBox,
  field,
  fmtDate,
  fmtDateTime,
  h,
  loading,
  mount,
  select,
  tableWrap,
  toast,
  weekdayOf,
} from './ui.js';

const durationText = (d) => {
  if (!d) return '';
  if (d.unit === 'same-day')
    return `Trong ngày (nhận sau ${d.cutoff ?? '15:00'} trả ngày làm việc tiếp theo)`;
  if (d.unit === 'working-days') return `${d.value} ngày làm việc`;
  if (d.unit === 'days') return `${d.value} ngày`;
  if (d.unit === 'hours') return `${d.value} giờ làm việc`;
  return JSON.stringify(d);
};

const serviceLevelNames = {
  'toan-trinh': 'DVC trực tuyến toàn trình',
  'mot-phan': 'DVC trực tuyến một phần',
};

function newRequestId(unit) {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `quay-${unit}-${Date.now()}-${random}`;
}

export async function counterScreen(main, official) {
  mount(main, loading());
  let catalogue;
  let org;
  try {
    [catalogue, org] = await Promise.all([procedures(), organisation()]);
  } catch (error) {
    mount(main, h('h1', {}, 'Tiếp nhận hồ sơ'), errorBox(error));
    return;
  }
  const me = org.byCode.get(official.unit);
  renderIntake(main, official, catalogue, org, me);
}

function renderIntake(main, official, catalogue, org, me) {
  let requestId = newRequestId(official.unit);
  const checks = [];

  // --- Procedure ---------------------------------------------------------------------------
  const procedureSelect = select(
    [
      { value: '', label: '— Chọn thủ tục hành chính —' },
      ...catalogue.map((p) => ({ value: p.code, label: `${p.code} — ${p.name}` })),
    ],
    { name: 'procedure' },
  );
  const procedureField = field({ label: 'Thủ tục hành chính', input: procedureSelect, required: true });
  const procedureInfo = h('div', { class: 'procedure-info', 'aria-live': 'polite' });

  const province = me?.province;
  const agencies = org.units.filter((u) => u.province === province && u.kind !== 'one-stop-centre');
  const defaultAgency =
    me?.parent && agencies.some((a) => a.code === me.parent) ? me.parent : agencies[0]?.code;
  const agencySelect = select(
    agencies.map((u) => ({
      value: u.code,
      label: `${u.name} (${u.code})`,
      selected: u.code === defaultAgency,
    })),
    { name: 'competentAgency' },
  );
  const agencyField = field({
    label: 'Cơ quan có thẩm quyền giải quyết',
    input: agencySelect,
    required: true,
    hint: 'Mặc định: cơ quan cấp trên của bộ phận một cửa; đổi nếu thủ tục thuộc cơ quan khác trong tỉnh.',
  });
  const channelSelect = select(
    [
      { value: 'counter', label: 'Trực tiếp tại Bộ phận Một cửa' },
      { value: 'postal', label: 'Qua dịch vụ bưu chính công ích' },
    ],
    { name: 'channel' },
  );
  const channelField = field({ label: 'Hình thức nộp', input: channelSelect });

  // --- Applicant ---------------------------------------------------------------------------
  const typeCitizen = h('input', {
    type: 'radio',
    name: 'applicantType',
    value: 'citizen',
    id: 'type-citizen',
    checked: true,
  });
  const typeOrg = h('input', {
    type: 'radio',
    name: 'applicantType',
    value: 'organisation',
    id: 'type-organisation',
  });
  const text = (name, attrs = {}) => h('input', { type: 'text', name, autocomplete: 'off', ...attrs });

  const citizen = {
    fullName: field({
      label: 'Họ và tên',
      input: text('fullName', { autocomplete: 'name' }),
      required: true,
    }),
    idNumber: field({
      label: 'Số định danh cá nhân',
      input: text('idNumber', { inputmode: 'numeric', maxlength: '12' }),
      required: true,
      hint: '12 chữ số trên thẻ Căn cước / Căn cước công dân.',
    }),
    dateOfBirth: field({ label: 'Ngày sinh', input: h('input', { type: 'date', name: 'dateOfBirth' }) }),
  };
  const organisationFields = {
    name: field({ label: 'Tên tổ chức, doanh nghiệp', input: text('orgName'), required: true }),
    taxCode: field({
      label: 'Mã số thuế',
      input: text('taxCode', { inputmode: 'numeric', maxlength: '14' }),
      required: true,
      hint: '10 chữ số, hoặc 13 chữ số viết dạng 0123456789-001.',
    }),
    representative: field({ label: 'Người đại diện', input: text('representative') }),
  };
  const contact = {
    phone: field({
      label: 'Số điện thoại',
      input: h('input', { type: 'tel', name: 'phone', autocomplete: 'tel' }),
      hint: 'Để nhận tin nhắn về hồ sơ: 0 hoặc +84 rồi 9–10 chữ số.',
    }),
    email: field({
      label: 'Thư điện tử',
      input: h('input', { type: 'email', name: 'email', autocomplete: 'email' }),
    }),
    address: field({ label: 'Địa chỉ', input: text('address', { autocomplete: 'street-address' }) }),
  };

  /** Validates as the officer types; errors show once something was typed (or on submit). */
  const live = (f, check) => {
    const run = (force) => {
      const value = f.input.value;
      const message = value.trim() || force ? check(value) : '';
      f.setError(message);
      return check(value);
    };
    f.input.addEventListener('input', () => run(false));
    f.input.addEventListener('blur', () => run(false));
    checks.push({ f, run });
    return f;
  };
  const isCitizen = () => typeCitizen.checked;
  live(citizen.fullName, (v) => (isCitizen() ? checkRequiredText(v, 'họ và tên người nộp') : ''));
  live(citizen.idNumber, (v) => (isCitizen() ? checkPersonalId(v) : ''));
  live(organisationFields.name, (v) => (isCitizen() ? '' : checkRequiredText(v, 'tên tổ chức')));
  live(organisationFields.taxCode, (v) => (isCitizen() ? '' : checkTaxCode(v)));
  live(contact.phone, (v) => checkPhone(v));
  live(contact.email, (v) => checkEmail(v));

  const citizenBox = h(
    'div',
    { class: 'grid-2' },
    Object.values(citizen).map((f) => f.wrap),
  );
  const orgBox = h(
    'div',
    { class: 'grid-2', hidden: true },
    Object.values(organisationFields).map((f) => f.wrap),
  );
  const switchType = () => {
    citizenBox.hidden = !isCitizen();
    orgBox.hidden = isCitizen();
    for (const c of checks) c.f.setError('');
  };
  typeCitizen.addEventListener('change', switchType);
  typeOrg.addEventListener('change', switchType);

  // --- Documents ---------------------------------------------------------------------------
  const documentsBox = h(
    'div',
    { class: 'documents', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Chọn thủ tục để hiện danh mục thành phần hồ sơ.'),
  );
  const missingBox = h('div', { class: 'missing-summary', role: 'status' });
  let docRows = [];

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

  const updateMissing = () => {
    const missing = docRows.filter((r) => r.doc.required && !r.present.checked);
    mount(
      missingBox,
      missing.length === 0
        ? h('p', { class: 'ok' }, '✓ Đủ các thành phần hồ sơ bắt buộc: hồ sơ sẽ được tiếp nhận (Mẫu 01).')
        : h(
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
          ),
    );
  };

  const showProcedure = () => {
    const p = catalogue.find((x) => x.code === procedureSelect.value);
    docRows = [];
    if (!p) {
      mount(procedureInfo);
      mount(documentsBox, h('p', { class: 'muted' }, 'Chọn thủ tục để hiện danh mục thành phần hồ sơ.'));
      mount(missingBox);
      receiptRequestedBox.hidden = true;
      return;
    }
    receiptRequestedBox.hidden = p.duration?.unit !== 'same-day';
    mount(
      procedureInfo,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Thời hạn giải quyết'),
        h('dd', {}, durationText(p.duration)),
        h('dt', {}, 'Cơ quan thực hiện'),
        h('dd', {}, p.competentAuthority ?? ''),
        h('dt', {}, 'Phí, lệ phí'),
        h(
          'dd',
          {},
          p.fees.length
            ? p.fees
                .map((f) => `${f.name}: ${new Intl.NumberFormat('vi-VN').format(f.amountVnd)} đồng`)
                .join('; ')
            : 'Không',
        ),
        h('dt', {}, 'Mức độ'),
        h('dd', {}, serviceLevelNames[p.serviceLevel] ?? p.serviceLevel),
      ),
    );
    const list = h('ol', { class: 'doc-list' });
    p.requiredDocuments.forEach((doc, i) => {
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
          ? h(
              'span',
              { class: 'inline-field' },
              h('label', { for: `${id}-kind` }, 'Loại giấy tờ'),
              kindSelect,
            )
          : null,
      );
      const sync = () => {
        details.hidden = !present.checked;
        updateMissing();
      };
      for (const input of [present, paper, electronic]) input.addEventListener('change', sync);
      const row = { doc, present, electronic, kindSelect };
      docRows.push(row);
      list.append(
        h(
          'li',
          { class: ['doc', doc.required ? 'required' : 'optional'] },
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
        ),
      );
    });
    mount(
      documentsBox,
      h('p', { class: 'hint' }, 'Đánh dấu các giấy tờ người nộp đã mang đến và hình thức của từng giấy tờ.'),
      list,
    );
    updateMissing();
  };
  procedureSelect.addEventListener('change', () => {
    procedureField.setError('');
    showProcedure();
  });

  // --- Extra items and refusal -------------------------------------------------------------
  const extraList = h('ol', { class: 'extra-items' });
  const extraRows = [];
  const addExtra = () => {
    const n = extraRows.length + 1;
    const name = field({ label: `Nội dung cần bổ sung ${n}`, input: text(`extra-${n}-name`) });
    const reason = field({ label: 'Lý do', input: text(`extra-${n}-reason`) });
    const row = { name, reason };
    extraRows.push(row);
    const item = h(
      'li',
      { class: 'grid-2' },
      name.wrap,
      reason.wrap,
      h(
        'button',
        {
          type: 'button',
          class: 'link-button',
          onclick: () => {
            extraRows.splice(extraRows.indexOf(row), 1);
            item.remove();
          },
        },
        `Bỏ nội dung ${n}`,
      ),
    );
    extraList.append(item);
    name.input.focus();
  };
  const refuse = h('input', { type: 'checkbox', id: 'refuse-intake' });
  const refuseReason = field({
    label: 'Lý do từ chối',
    input: h('textarea', { name: 'refuseReason', rows: '2' }),
  });
  refuseReason.wrap.hidden = true;
  refuse.addEventListener('change', () => {
    refuseReason.wrap.hidden = !refuse.checked;
    if (refuse.checked) refuseReason.input.focus();
  });

  // --- Submit ------------------------------------------------------------------------------
  const errorSummary = h('div', { class: 'error-summary', tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'primary big' }, 'Tiếp nhận hồ sơ');
  const form = h(
    'form',
    { class: 'intake', novalidate: true, 'aria-labelledby': 'intake-title' },
    errorSummary,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, '1. Thủ tục'),
      procedureField.wrap,
      procedureInfo,
      h('div', { class: 'grid-2' }, agencyField.wrap, channelField.wrap),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, '2. Người nộp hồ sơ'),
      h(
        'fieldset',
        { class: 'inline' },
        h('legend', {}, 'Người nộp là'),
        h('span', { class: 'check' }, typeCitizen, h('label', { for: 'type-citizen' }, 'Công dân')),
        h(
          'span',
          { class: 'check' },
          typeOrg,
          h('label', { for: 'type-organisation' }, 'Tổ chức, doanh nghiệp'),
        ),
      ),
      citizenBox,
      orgBox,
      h(
        'div',
        { class: 'grid-3' },
        Object.values(contact).map((f) => f.wrap),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, '3. Thành phần hồ sơ'),
      documentsBox,
      missingBox,
      receiptRequestedBox,
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, '4. Kiểm tra của cán bộ tiếp nhận'),
      h(
        'p',
        { class: 'hint' },
        'Nội dung chưa chính xác ngoài danh mục (nếu có) được ghi vào cùng một Phiếu yêu cầu bổ sung.',
      ),
      extraList,
      h('button', { type: 'button', class: 'secondary', onclick: addExtra }, '+ Thêm nội dung cần bổ sung'),
      h(
        'div',
        { class: 'check refuse' },
        refuse,
        h('label', { for: 'refuse-intake' }, 'Từ chối tiếp nhận hồ sơ (lập Phiếu từ chối, Mẫu 03)'),
      ),
      refuseReason.wrap,
    ),
    h('div', { class: 'actions-row' }, submit),
  );

  const collect = () => {
    const errors = [];
    const p = catalogue.find((x) => x.code === procedureSelect.value);
    if (!p) {
      procedureField.setError('Chọn thủ tục hành chính.');
      errors.push({ message: 'Chưa chọn thủ tục hành chính.', input: procedureSelect });
    }
    for (const c of checks) {
      const message = c.run(true);
      if (message) errors.push({ message, input: c.f.input });
    }
    if (refuse.checked && !refuseReason.input.value.trim()) {
      refuseReason.setError('Nêu rõ lý do từ chối.');
      errors.push({ message: 'Chưa nêu lý do từ chối.', input: refuseReason.input });
    } else refuseReason.setError('');
    const extraItems = [];
    for (const row of extraRows) {
      const name = row.name.input.value.trim();
      const reason = row.reason.input.value.trim();
      if (!name && !reason) continue;
      if (!name || !reason) {
        (name ? row.reason : row.name).setError('Nhập cả nội dung và lý do.');
        errors.push({
          message: 'Nội dung cần bổ sung thiếu tên hoặc lý do.',
          input: (name ? row.reason : row.name).input,
        });
      }
      extraItems.push({ name, reason, form: 'paper' });
    }
    if (errors.length) return { errors };
    const optional = (value) => (value.trim() ? value.trim() : undefined);
    const applicant = isCitizen()
      ? {
          type: 'citizen',
          fullName: citizen.fullName.input.value.trim(),
          idNumber: citizen.idNumber.input.value.trim(),
          dateOfBirth: optional(citizen.dateOfBirth.input.value),
        }
      : {
          type: 'organisation',
          name: organisationFields.name.input.value.trim(),
          taxCode: organisationFields.taxCode.input.value.trim(),
          representative: optional(organisationFields.representative.input.value),
        };
    Object.assign(applicant, {
      phone: optional(contact.phone.input.value),
      email: optional(contact.email.input.value),
      address: optional(contact.address.input.value),
    });
    const documents = docRows
      .filter((r) => r.present.checked)
      .map((r) => ({
        kind: r.kindSelect ? r.kindSelect.value : r.doc.kind,
        form: r.electronic.checked ? 'electronic' : 'paper',
      }));
    const intake = {};
    if (refuse.checked) intake.refuseReason = refuseReason.input.value.trim();
    if (extraItems.length) intake.extraItems = extraItems;
    if (p.duration?.unit === 'same-day') intake.receiptRequested = receiptRequested.checked;
    return {
      body: {
        application: {
          requestId,
          procedureCode: p.code,
          applicant,
          channel: channelSelect.value,
          receivingUnit: official.unit,
          competentAgency: agencySelect.value,
          documents,
        },
        intake,
      },
    };
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { errors, body } = collect();
    if (errors) {
      mount(
        errorSummary,
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          h('p', { class: 'strong' }, `Hồ sơ chưa gửi được: ${errors.length} nội dung cần sửa`),
          h(
            'ul',
            {},
            errors.map((e) =>
              h(
                'li',
                {},
                h(
                  'button',
                  { type: 'button', class: 'link-button', onclick: () => e.input.focus() },
                  e.message,
                ),
              ),
            ),
          ),
        ),
      );
      errorSummary.focus();
      return;
    }
    mount(errorSummary);
    submit.disabled = true;
    submit.textContent = 'Đang tiếp nhận…';
    try {
      const received = await post('/v1/dossiers', body);
      requestId = newRequestId(official.unit);
      await showResult(main, official, received, catalogue, org, me);
    } catch (error) {
      mount(errorSummary, errorBox(error));
      errorSummary.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Tiếp nhận hồ sơ';
    }
  });

  const waiting = h('section', { class: 'card no-print', 'aria-labelledby': 'waiting-title' });
  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'intake-title' }, 'Tiếp nhận hồ sơ'),
      h('p', { class: 'muted' }, `Bộ phận Tiếp nhận và Trả kết quả — ${me?.name ?? official.unit}`),
    ),
    openByCode(),
    form,
    waiting,
  );
  loadWaiting(waiting);
}

/** A small form to open a dossier by its code. */
function openByCode() {
  const input = h('input', {
    type: 'text',
    name: 'code',
    placeholder: '000.01.41.H99-260423-0001',
    autocomplete: 'off',
  });
  const f = field({ label: 'Mở hồ sơ theo mã số', input });
  return h(
    'form',
    {
      class: 'open-by-code card no-print',
      onsubmit: (e) => {
        e.preventDefault();
        const code = input.value.trim();
        if (!DOSSIER_CODE.test(code)) {
          f.setError('Mã hồ sơ có dạng <mã đơn vị>-YYMMDD-XXXX, ví dụ 000.01.41.H99-260423-0001.');
          input.focus();
          return;
        }
        location.hash = `#/ho-so/${code}`;
      },
    },
    h(
      'div',
      { class: 'inline-form' },
      f.wrap,
      h('button', { type: 'submit', class: 'secondary' }, 'Mở hồ sơ'),
    ),
  );
}

async function loadWaiting(box) {
  mount(box, h('h2', { id: 'waiting-title' }, 'Hồ sơ chờ trả kết quả'), loading());
  try {
    const pages = await Promise.all(
      ['DA_XU_LY_XONG', 'TU_CHOI'].map((status) => get(`/v1/dossiers${query({ status, pageSize: 50 })}`)),
    );
    const items = pages.flatMap((p) => p.items).filter((i) => !i.closed);
    mount(
      box,
      h('h2', { id: 'waiting-title' }, 'Hồ sơ chờ trả kết quả'),
      items.length === 0
        ? h('p', { class: 'muted' }, 'Không có hồ sơ nào chờ trả kết quả.')
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
                  h('th', { scope: 'col' }, 'Mã hồ sơ'),
                  h('th', { scope: 'col' }, 'Thủ tục'),
                  h('th', { scope: 'col' }, 'Trạng thái'),
                ),
              ),
              h(
                'tbody',
                {},
                items.map((i) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, h('a', { href: `#/ho-so/${i.code}` }, i.code)),
                    h('td', {}, i.procedure ?? ''),
                    h('td', {}, i.statusName ?? statusNames[i.status] ?? ''),
                  ),
                ),
              ),
            ),
            'Hồ sơ chờ trả kết quả',
          ),
    );
  } catch (error) {
    mount(
      box,
      h('h2', { id: 'waiting-title' }, 'Hồ sơ chờ trả kết quả'),
      h(
        'p',
        { class: 'muted' },
        error.status === 503
          ? 'Tìm kiếm hồ sơ chưa sẵn sàng trên máy chủ này; mở hồ sơ theo mã số.'
          : error.message,
      ),
    );
  }
}

const outcomeTitles = {
  accepted: 'Đã tiếp nhận hồ sơ',
  supplement: 'Hồ sơ chưa đầy đủ: yêu cầu bổ sung, hoàn thiện',
  refused: 'Đã từ chối tiếp nhận hồ sơ',
};
const outcomeForms = { accepted: 'receipt', supplement: 'supplementation-request', refused: 'refusal' };

async function showResult(main, official, received, catalogue, org, me) {
  const code = received.code;
  const kind = outcomeForms[received.outcome];
  let formData = received.outcome === 'accepted' ? received.receipt : undefined;
  let formError;
  if (!formData && kind && received.outcome !== 'accepted') {
    try {
      formData = await get(`/v1/dossiers/${code}/forms/${kind}`);
    } catch (error) {
      formError = error;
    }
  }
  const again = () => renderIntake(main, official, catalogue, org, me);
  mount(
    main,
    h(
      'div',
      { class: 'no-print' },
      h('h1', { tabindex: '-1', id: 'result-title' }, outcomeTitles[received.outcome] ?? received.statusName),
      received.existing
        ? h('p', { class: 'alert alert-info' }, 'Hồ sơ này đã được tiếp nhận trước đó; không tạo hồ sơ mới.')
        : null,
      h(
        'dl',
        { class: 'facts result-facts' },
        h('dt', {}, 'Mã hồ sơ'),
        h('dd', { class: 'dossier-code' }, code),
        h('dt', {}, 'Trạng thái'),
        h('dd', {}, received.statusName),
        received.appointmentDate ? h('dt', {}, 'Ngày hẹn trả kết quả') : null,
        received.appointmentDate
          ? h(
              'dd',
              { class: 'appointment' },
              `${weekdayOf(received.appointmentDate)}, ${fmtDate(received.appointmentDate)}`,
            )
          : null,
        h('dt', {}, 'Mã tra cứu (in trên giấy cho người nộp)'),
        h('dd', { class: 'lookup-secret' }, received.lookupSecret),
        received.missing?.length ? h('dt', {}, 'Nội dung cần bổ sung') : null,
        received.missing?.length
          ? h(
              'dd',
              {},
              h(
                'ul',
                {},
                received.missing.map((m) => h('li', {}, `${m.name} — ${m.reason}`)),
              ),
            )
          : null,
      ),
      h(
        'div',
        { class: 'actions-row' },
        formData
          ? h(
              'button',
              { type: 'button', class: 'primary', onclick: () => window.print() },
              'In biểu mẫu (A5)',
            )
          : null,
        h('a', { class: 'button', href: `#/ho-so/${code}` }, 'Mở hồ sơ'),
        h('button', { type: 'button', class: 'secondary', onclick: again }, 'Tiếp nhận hồ sơ mới'),
      ),
      formError ? errorBox(formError) : null,
      h('p', { class: 'muted small' }, `Tiếp nhận lúc ${fmtDateTime(Date.now())}.`),
    ),
    formData
      ? h('div', { class: 'print-area' }, renderForm(formData, { lookupSecret: received.lookupSecret }))
      : null,
  );
  document.getElementById('result-title')?.focus();
  toast(`${outcomeTitles[received.outcome]}: ${code}`, received.outcome === 'accepted' ? 'success' : 'info');
}
