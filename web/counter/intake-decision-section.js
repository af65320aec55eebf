/**
 * Part 4 of the counter's intake form, the officer's own check: items found inaccurate beyond the
 * catalogue's checklist (they go on the same supplementation request, ND 61 Art 15(3)), or a
 * refusal at intake with its reason (Mẫu 03).
 */
import { field, h, textInput } from '../ui.js';

export function intakeDecisionSection() {
  const extraList = h('ol', { class: 'extra-items' });
  const extraRows = [];
  const addExtra = () => {
    const n = extraRows.length + 1;
    const name = field({ label: `Nội dung cần bổ sung ${n}`, input: textInput(`extra-${n}-name`) });
    const reason = field({ label: 'Lý do', input: textInput(`extra-${n}-reason`) });
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

  return {
    card: h(
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
    /**
     * The officer's part of the intake decision ({ refuseReason?, extraItems? }); what is
     * incomplete is shown under its field and added to `errors`.
     */
    decision(errors) {
      const intake = {};
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
      if (refuse.checked) intake.refuseReason = refuseReason.input.value.trim();
      if (extraItems.length) intake.extraItems = extraItems;
      return intake;
    },
  };
}
