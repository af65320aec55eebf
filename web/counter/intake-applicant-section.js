/**
 * Part 2 of the counter's intake form: the applicant, a citizen or an organisation, and how to
 * reach them; each field checked as the officer types, with the API's patterns.
 */
import { checkEmail, checkPersonalId, checkPhone, checkRequiredText, checkTaxCode } from '../input-checks.js';
import { displayNames } from '../names.js';
import { dateInput, dateOf, field, h, textInput, todayVN } from '../ui.js';

function citizenFields() {
  return {
    fullName: field({
      label: 'Họ và tên',
      input: textInput('fullName', { autocomplete: 'name' }),
      required: true,
    }),
    idNumber: field({
      label: 'Số định danh cá nhân',
      input: textInput('idNumber', { inputmode: 'numeric', maxlength: '12' }),
      required: true,
      hint: '12 chữ số trên thẻ Căn cước / Căn cước công dân.',
    }),
    dateOfBirth: field({
      label: 'Ngày sinh',
      input: dateInput('dateOfBirth', { autocomplete: 'bday' }),
      hint: 'Dạng ngày/tháng/năm, ví dụ 05/09/1985.',
    }),
  };
}

function organisationFields() {
  return {
    name: field({ label: 'Tên tổ chức, doanh nghiệp', input: textInput('orgName'), required: true }),
    taxCode: field({
      label: 'Mã số thuế',
      input: textInput('taxCode', { inputmode: 'numeric', maxlength: '14' }),
      required: true,
      hint: '10 chữ số, hoặc 13 chữ số viết dạng 0123456789-001.',
    }),
    representative: field({ label: 'Người đại diện', input: textInput('representative') }),
  };
}

function contactFields() {
  return {
    phone: field({
      label: 'Số điện thoại',
      input: h('input', { type: 'tel', name: 'phone', autocomplete: 'tel' }),
      hint: 'Để nhận tin nhắn về hồ sơ: 0 hoặc +84 rồi 9–10 chữ số.',
    }),
    email: field({
      label: 'Thư điện tử',
      input: h('input', { type: 'email', name: 'email', autocomplete: 'email' }),
    }),
    address: field({ label: 'Địa chỉ', input: textInput('address', { autocomplete: 'street-address' }) }),
  };
}

const { applicantTypes: applicantTypeNames } = displayNames;

const optional = (value) => (value.trim() ? value.trim() : undefined);

export function intakeApplicantSection() {
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
  const citizen = citizenFields();
  const organisation = organisationFields();
  const contact = contactFields();
  const checks = [];

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
  };
  const isCitizen = () => typeCitizen.checked;
  live(citizen.fullName, (v) => (isCitizen() ? checkRequiredText(v, 'họ và tên người nộp') : ''));
  live(citizen.idNumber, (v) => (isCitizen() ? checkPersonalId(v) : ''));
  live(organisation.name, (v) => (isCitizen() ? '' : checkRequiredText(v, 'tên tổ chức')));
  live(organisation.taxCode, (v) => (isCitizen() ? '' : checkTaxCode(v)));
  live(citizen.dateOfBirth, () => {
    if (!isCitizen()) return '';
    const typed = dateOf(citizen.dateOfBirth.input);
    if (typed.error) return typed.error;
    if (typed.iso && typed.iso > todayVN()) return 'Ngày sinh không được sau ngày hôm nay.';
    return '';
  });
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
    Object.values(organisation).map((f) => f.wrap),
  );
  const switchType = () => {
    citizenBox.hidden = !isCitizen();
    orgBox.hidden = isCitizen();
    for (const c of checks) c.f.setError('');
  };
  typeCitizen.addEventListener('change', switchType);
  typeOrg.addEventListener('change', switchType);

  return {
    card: h(
      'section',
      { class: 'card' },
      h('h2', {}, '2. Người nộp hồ sơ'),
      h(
        'fieldset',
        { class: 'inline' },
        h('legend', {}, 'Người nộp là'),
        h(
          'span',
          { class: 'check' },
          typeCitizen,
          h('label', { for: 'type-citizen' }, applicantTypeNames.citizen),
        ),
        h(
          'span',
          { class: 'check' },
          typeOrg,
          h('label', { for: 'type-organisation' }, applicantTypeNames.organisation),
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
    /** Shows every field's error and adds it to `errors`. */
    check(errors) {
      for (const c of checks) {
        const message = c.run(true);
        if (message) errors.push({ message, input: c.f.input });
      }
    },
    /** The applicant of the application, as the API takes it. */
    applicant() {
      const applicant = isCitizen()
        ? {
            type: 'citizen',
            fullName: citizen.fullName.input.value.trim(),
            idNumber: citizen.idNumber.input.value.trim(),
            dateOfBirth: dateOf(citizen.dateOfBirth.input).iso || undefined,
          }
        : {
            type: 'organisation',
            name: organisation.name.input.value.trim(),
            taxCode: organisation.taxCode.input.value.trim(),
            representative: optional(organisation.representative.input.value),
          };
      return Object.assign(applicant, {
        phone: optional(contact.phone.input.value),
        email: optional(contact.email.input.value),
        address: optional(contact.address.input.value),
      });
    },
  };
}
