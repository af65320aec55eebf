/**
 * Part 1 of the counter's intake form: the procedure (from the catalogue in force today) with its
 * duration, authority, who may apply, how to submit, fees and service level; the competent agency
 * and the channel.
 */
import { displayNames } from '../names.js';
import { field, h, mount, select } from '../ui.js';

const { applicantTypes: applicantTypeNames, channels: channelNames } = displayNames;

const serviceLevelNames = {
  'toan-trinh': 'DVC trực tuyến toàn trình',
  'mot-phan': 'DVC trực tuyến một phần',
};

const durationText = (d) => {
  if (!d) return '';
  if (d.unit === 'same-day')
    return `Trong ngày (nhận sau ${d.cutoff ?? '15:00'} trả ngày làm việc tiếp theo)`;
  if (d.unit === 'working-days') return `${d.value} ngày làm việc`;
  if (d.unit === 'days') return `${d.value} ngày`;
  if (d.unit === 'hours') return `${d.value} giờ làm việc`;
  return JSON.stringify(d);
};

/** A published list in words; a part the procedure does not publish says so. */
const namesOf = (values, names) =>
  values?.length ? values.map((v) => names[v] ?? v).join(', ') : 'Chưa công khai';

function procedureFacts(p) {
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Thời hạn giải quyết'),
    h('dd', {}, durationText(p.duration)),
    h('dt', {}, 'Cơ quan thực hiện'),
    h('dd', {}, p.competentAuthority ?? ''),
    h('dt', {}, 'Đối tượng thực hiện'),
    h('dd', {}, namesOf(p.applicantTypes, applicantTypeNames)),
    h('dt', {}, 'Cách thức thực hiện'),
    h('dd', {}, namesOf(p.submissionMethods, channelNames)),
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
  );
}

/** The competent agencies of the counter's province; the unit above the counter comes first in choice. */
function agencyChoice(org, me) {
  const agencies = org.units.filter((u) => u.province === me?.province && u.kind !== 'one-stop-centre');
  const defaultAgency =
    me?.parent && agencies.some((a) => a.code === me.parent) ? me.parent : agencies[0]?.code;
  return select(
    agencies.map((u) => ({
      value: u.code,
      label: `${u.name} (${u.code})`,
      selected: u.code === defaultAgency,
    })),
    { name: 'competentAgency' },
  );
}

/** `onChange(procedure)` runs when another procedure (or none) is picked. */
export function intakeProcedureSection({ catalogue, org, me, onChange }) {
  const procedureSelect = select(
    [
      { value: '', label: '— Chọn thủ tục hành chính —' },
      ...catalogue.map((p) => ({ value: p.code, label: `${p.code} — ${p.name}` })),
    ],
    { name: 'procedure' },
  );
  const procedureField = field({ label: 'Thủ tục hành chính', input: procedureSelect, required: true });
  const procedureInfo = h('div', { class: 'procedure-info', 'aria-live': 'polite' });
  const agencySelect = agencyChoice(org, me);
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

  const selected = () => catalogue.find((x) => x.code === procedureSelect.value);
  procedureSelect.addEventListener('change', () => {
    procedureField.setError('');
    const p = selected();
    if (p) mount(procedureInfo, procedureFacts(p));
    else mount(procedureInfo);
    onChange(p);
  });

  return {
    card: h(
      'section',
      { class: 'card' },
      h('h2', {}, '1. Thủ tục'),
      procedureField.wrap,
      procedureInfo,
      h('div', { class: 'grid-2' }, agencyField.wrap, channelField.wrap),
    ),
    selected,
    /** Adds the error of a missing procedure to `errors`. */
    check(errors) {
      if (selected()) return;
      procedureField.setError('Chọn thủ tục hành chính.');
      errors.push({ message: 'Chưa chọn thủ tục hành chính.', input: procedureSelect });
    },
    competentAgency: () => agencySelect.value,
    channel: () => channelSelect.value,
  };
}
