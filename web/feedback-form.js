/**
 * The form of a feedback or petition (phản ánh, kiến nghị, ND 20/2008): where it goes, what it is
 * about (a regulation or procedure, a dossier), who sends it (name, ID or tax code, and the phone
 * and address ND 20 Art 7 asks for), its content. Citizens send it online
 * (POST /v1/feedback/online, no sign-in); officials register one received directly, by post or by
 * phone at their unit (POST /v1/feedback), with the day it reached the unit when earlier (a letter by
 * post: its limits run from then). The units and procedures come from
 * GET /v1/feedback/online/choices; names from names.js.
 */
import { checkEmail, checkPersonalId, checkPhone, checkRequiredText, checkTaxCode } from './input-checks.js';
import { displayNames, inputPatterns } from './names.js';
import { dateInput, dateOf, field, h, mount, select, textInput, todayVN, uid } from './ui.js';

const { applicantTypes, feedback: feedbackNames } = displayNames;

function requestId(prefix) {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `${prefix}-${Date.now()}-${random}`;
}

function radios(name, options, checked) {
  const inputs = options.map(([value, label]) => {
    const id = uid(name);
    const input = h('input', { type: 'radio', name, id, value, checked: value === checked });
    return { input, node: h('span', { class: 'check' }, input, h('label', { for: id }, label)) };
  });
  return { inputs, value: () => inputs.find((i) => i.input.checked)?.input.value };
}

/**
 * `official`: the signed-in official registering it (their unit receives it), or undefined for a
 * citizen. `send(body)` posts it; `onSent(receipt)` runs with the API's answer.
 */
export function feedbackForm({ choices, official, send, onSent }) {
  const units = choices.units.filter((u) => u.kind !== 'police');
  const unitSelect = select(
    [{ value: '', label: '— Chọn cơ quan —' }, ...units.map((u) => ({ value: u.code, label: u.name }))],
    { name: 'receivingUnit' },
  );
  const unitField = field({
    label: 'Cơ quan nhận phản ánh, kiến nghị',
    input: unitSelect,
    required: true,
    hint: 'Cơ quan ban hành quy định hoặc nơi giải quyết hồ sơ của ông/bà.',
  });
  const channelSelect = select(
    Object.entries(feedbackNames.channels)
      .filter(([value]) => value !== 'online')
      .map(([value, label]) => ({ value, label })),
    { name: 'channel' },
  );
  const channelField = field({ label: 'Hình thức tiếp nhận', input: channelSelect });
  // A letter that came by post some days ago: its limits run from the day it reached the unit.
  const receivedField = field({
    label: 'Ngày nhận (không bắt buộc)',
    input: dateInput('receivedOn'),
    hint: 'dd/mm/yyyy; để trống nếu nhận hôm nay. Thời hạn xử lý tính từ ngày nhận.',
  });
  const receivedOn = () => dateOf(receivedField.input);

  const about = radios(
    'about',
    [
      ['procedure', 'Quy định, thủ tục hành chính'],
      ['dossier', 'Hồ sơ đã nộp'],
      ['other', 'Nội dung khác'],
    ],
    'procedure',
  );
  const procedureSelect = select(
    [
      { value: '', label: '— Không nêu thủ tục cụ thể —' },
      ...choices.procedures.map((p) => ({ value: p.code, label: `${p.code} — ${p.name}` })),
    ],
    { name: 'procedureCode' },
  );
  const procedureField = field({ label: 'Thủ tục hành chính', input: procedureSelect });
  const dossierField = field({
    label: 'Mã số hồ sơ',
    input: textInput('dossierCode', { spellcheck: 'false' }),
    hint: 'In trên Giấy tiếp nhận hồ sơ, ví dụ 000.01.41.H99-260423-0007.',
  });
  const showAbout = () => {
    procedureField.wrap.hidden = about.value() !== 'procedure';
    dossierField.wrap.hidden = about.value() !== 'dossier';
  };
  for (const i of about.inputs) i.input.addEventListener('change', showAbout);
  showAbout();

  const type = radios(
    'submitterType',
    [
      ['citizen', applicantTypes.citizen],
      ['organisation', applicantTypes.organisation],
    ],
    'citizen',
  );
  const fullName = field({
    label: 'Họ và tên',
    input: textInput('fullName', { autocomplete: 'name' }),
    required: true,
  });
  const idNumber = field({
    label: 'Số định danh cá nhân',
    input: textInput('idNumber', { inputmode: 'numeric', maxlength: '12' }),
    required: true,
    hint: '12 chữ số trên thẻ Căn cước.',
  });
  const orgName = field({ label: 'Tên tổ chức, doanh nghiệp', input: textInput('orgName'), required: true });
  const taxCode = field({
    label: 'Mã số thuế',
    input: textInput('taxCode', { inputmode: 'numeric', maxlength: '14' }),
    required: true,
  });
  const phone = field({
    label: 'Số điện thoại',
    input: h('input', { type: 'tel', name: 'phone', autocomplete: 'tel' }),
    required: true,
    hint: 'Để cơ quan liên hệ khi cần (ND 20/2008 Điều 7).',
  });
  const address = field({
    label: 'Địa chỉ liên hệ',
    input: textInput('address', { autocomplete: 'street-address' }),
    required: true,
  });
  const email = field({
    label: 'Thư điện tử (không bắt buộc)',
    input: h('input', { type: 'email', name: 'email', autocomplete: 'email' }),
  });
  const citizenBox = h('div', { class: 'grid-2' }, fullName.wrap, idNumber.wrap);
  const orgBox = h('div', { class: 'grid-2', hidden: true }, orgName.wrap, taxCode.wrap);
  const isCitizen = () => type.value() === 'citizen';
  for (const i of type.inputs)
    i.input.addEventListener('change', () => {
      citizenBox.hidden = !isCitizen();
      orgBox.hidden = isCitizen();
    });

  const title = field({ label: 'Tiêu đề (không bắt buộc)', input: textInput('title', { maxlength: '200' }) });
  const content = field({
    label: 'Nội dung phản ánh, kiến nghị',
    input: h('textarea', { name: 'content', rows: '6', maxlength: '20000' }),
    required: true,
    hint: 'Nêu rõ quy định, hành vi hoặc hồ sơ được phản ánh và đề xuất của ông/bà.',
  });

  const checks = [
    [
      receivedField,
      () => {
        const day = receivedOn();
        if (day.error) return day.error;
        return day.iso && day.iso > todayVN() ? 'Ngày nhận không được sau hôm nay.' : '';
      },
    ],
    [unitField, () => (official || unitSelect.value ? '' : 'Chọn cơ quan nhận phản ánh, kiến nghị.')],
    [
      dossierField,
      () => {
        if (about.value() !== 'dossier') return '';
        const v = dossierField.input.value.trim();
        if (!v) return 'Nhập mã số hồ sơ.';
        return inputPatterns.dossierCode.test(v) ? '' : 'Mã số hồ sơ có dạng <mã đơn vị>-YYMMDD-XXXX.';
      },
    ],
    [fullName, () => (isCitizen() ? checkRequiredText(fullName.input.value, 'họ và tên') : '')],
    [idNumber, () => (isCitizen() ? checkPersonalId(idNumber.input.value) : '')],
    [orgName, () => (isCitizen() ? '' : checkRequiredText(orgName.input.value, 'tên tổ chức'))],
    [taxCode, () => (isCitizen() ? '' : checkTaxCode(taxCode.input.value))],
    [phone, () => checkPhone(phone.input.value, true)],
    [address, () => checkRequiredText(address.input.value, 'địa chỉ liên hệ')],
    [email, () => checkEmail(email.input.value)],
    [content, () => checkRequiredText(content.input.value, 'nội dung phản ánh, kiến nghị')],
  ];
  for (const [f, check] of checks)
    f.input.addEventListener('blur', () => f.input.value && f.setError(check()));

  const errorSummary = h('div', { class: 'error-summary', tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'primary big' }, 'Gửi phản ánh, kiến nghị');
  const form = h(
    'form',
    { class: 'feedback-form', novalidate: true },
    errorSummary,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, '1. Nơi nhận và nội dung liên quan'),
      official ? h('div', { class: 'grid-2' }, channelField.wrap, receivedField.wrap) : unitField.wrap,
      h(
        'fieldset',
        { class: 'inline' },
        h('legend', {}, 'Phản ánh, kiến nghị về'),
        about.inputs.map((i) => i.node),
      ),
      procedureField.wrap,
      dossierField.wrap,
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, '2. Người gửi'),
      h(
        'fieldset',
        { class: 'inline' },
        h('legend', {}, 'Người gửi là'),
        type.inputs.map((i) => i.node),
      ),
      citizenBox,
      orgBox,
      h('div', { class: 'grid-3' }, phone.wrap, address.wrap, email.wrap),
    ),
    h('section', { class: 'card' }, h('h2', {}, '3. Nội dung'), title.wrap, content.wrap),
    h('div', { class: 'actions-row' }, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = [];
    for (const [f, check] of checks) {
      const message = check();
      f.setError(message);
      if (message) errors.push({ message, input: f.input });
    }
    if (errors.length) {
      mount(
        errorSummary,
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          h('p', { class: 'strong' }, `Chưa gửi được: ${errors.length} nội dung cần sửa`),
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
    const optional = (v) => (v.trim() ? v.trim() : undefined);
    const submitter = isCitizen()
      ? { type: 'citizen', fullName: fullName.input.value.trim(), idNumber: idNumber.input.value.trim() }
      : { type: 'organisation', name: orgName.input.value.trim(), taxCode: taxCode.input.value.trim() };
    Object.assign(submitter, {
      phone: phone.input.value.trim(),
      address: address.input.value.trim(),
      email: optional(email.input.value),
    });
    const aboutValue =
      about.value() === 'procedure' && procedureSelect.value
        ? { procedureCode: procedureSelect.value }
        : about.value() === 'dossier'
          ? { dossierCode: dossierField.input.value.trim() }
          : undefined;
    const body = {
      feedback: {
        requestId: requestId(official ? 'pakn-quay' : 'pakn-web'),
        submitter,
        channel: official ? channelSelect.value : 'online',
        receivingUnit: official ? official.unit : unitSelect.value,
        title: optional(title.input.value),
        content: content.input.value.trim(),
        about: aboutValue,
        submittedAt:
          receivedOn().iso && receivedOn().iso < todayVN() ? `${receivedOn().iso}T08:00:00+07:00` : undefined,
      },
    };
    mount(errorSummary);
    submit.disabled = true;
    submit.textContent = 'Đang gửi…';
    try {
      onSent(await send(body));
    } catch (error) {
      mount(
        errorSummary,
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          error.message,
          ...(error.issues ?? []).map((i) => h('p', {}, i)),
        ),
      );
      errorSummary.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Gửi phản ánh, kiến nghị';
    }
  });
  return form;
}
