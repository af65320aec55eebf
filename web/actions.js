/**
 * The dialog of each action (POST /v1/dossiers/{code}/actions/{action}): its fields, checked as
 * the official types, and the body sent. Only the actions the dossier view allows (its `actions`,
 * computed by the server) are offered.
 */
import { post } from './api.js';
import { displayNames } from './names.js';
import { addDays, errorBox, field, fmtDate, h, isWeekend, mount, openDialog, toast, uid } from './ui.js';

/** Select options from a served name table, in its order. */
const optionsOf = (names) => Object.entries(names).map(([value, label]) => ({ value, label }));

const required = (what) => (v) => (String(v ?? '').trim() ? '' : `Nhập ${what}.`);

/** Field specs and the body of each action. `ctx`: { view, official, specialists, agencies, documentKinds }. */
const specs = {
  assign: (ctx) => ({
    intro: 'Giao hồ sơ cho chuyên viên thẩm định (ND 61 Điều 19(1)).',
    fields: [
      {
        name: 'specialistId',
        label: 'Mã cán bộ của chuyên viên',
        type: 'text',
        list: ctx.specialists.map((s) => ({ value: s.id, label: s.name })),
        hint: 'Tên đăng nhập của chuyên viên, ví dụ chuyen-vien-cam-thanh.',
        check: required('mã cán bộ'),
      },
      {
        name: 'specialistName',
        label: 'Họ tên chuyên viên',
        type: 'text',
        check: required('họ tên chuyên viên'),
      },
    ],
    body: (v) => ({ specialist: { id: v.specialistId.trim(), name: v.specialistName.trim() } }),
  }),
  appraise: () => ({
    intro: 'Kết quả thẩm định trình lãnh đạo phê duyệt.',
    fields: [
      {
        name: 'recommendation',
        label: 'Đề xuất',
        type: 'radio',
        options: [
          { value: 'approve', label: 'Đủ điều kiện — đề nghị phê duyệt' },
          { value: 'refuse', label: 'Không đủ điều kiện — đề nghị từ chối' },
        ],
        value: 'approve',
      },
      { name: 'note', label: 'Ý kiến thẩm định', type: 'textarea', check: required('ý kiến thẩm định') },
    ],
    body: (v) => ({ recommendation: v.recommendation, note: v.note.trim() }),
  }),
  approve: (ctx) => ({
    intro: `Phê duyệt theo đề xuất của chuyên viên: “${ctx.view.state.appraisal?.note ?? ''}”. Kết quả được ký số và gửi về Bộ phận Một cửa.`,
    fields: [
      { name: 'note', label: 'Ý kiến phê duyệt (không bắt buộc)', type: 'textarea' },
      { name: 'alsoPaperResult', label: 'Cấp thêm bản giấy của kết quả', type: 'checkbox' },
    ],
    body: (v) => ({
      ...(v.note.trim() ? { note: v.note.trim() } : {}),
      ...(v.alsoPaperResult ? { alsoPaperResult: true } : {}),
    }),
  }),
  refuse: () => ({
    intro: 'Từ chối giải quyết sau thẩm định; Phiếu từ chối (Mẫu 03) là kết quả trả cho người nộp.',
    fields: [{ name: 'reason', label: 'Lý do từ chối', type: 'textarea', check: required('lý do từ chối') }],
    body: (v) => ({ reason: v.reason.trim() }),
  }),
  apologize: (ctx) => {
    const due = ctx.view.deadlines?.decree?.dueDate;
    return {
      intro: `Văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) — chỉ một lần (ND 61 Điều 19(9)). Ngày hẹn hiện tại: ${fmtDate(due)}.`,
      fields: [
        { name: 'reason', label: 'Lý do chậm trả kết quả', type: 'textarea', check: required('lý do') },
        {
          name: 'newDueDate',
          label: 'Ngày hẹn trả kết quả mới',
          type: 'date',
          min: due ? addDays(due, 1) : undefined,
          hint: 'Một ngày làm việc sau ngày hẹn hiện tại.',
          check: (v) => {
            if (!v) return 'Chọn ngày hẹn mới.';
            if (due && v <= due) return `Ngày hẹn mới phải sau ngày hẹn hiện tại (${fmtDate(due)}).`;
            if (isWeekend(v)) return 'Ngày hẹn mới phải là ngày làm việc (không phải thứ Bảy, Chủ nhật).';
            return '';
          },
        },
      ],
      body: (v) => ({ reason: v.reason.trim(), newDueDate: v.newDueDate }),
    };
  },
  stop: () => ({
    intro: 'Thông báo dừng giải quyết hồ sơ (TT 03/2025 Mẫu 05).',
    fields: [{ name: 'reason', label: 'Lý do dừng giải quyết', type: 'textarea', check: required('lý do') }],
    body: (v) => ({ reason: v.reason.trim() }),
  }),
  'request-supplementation': () => ({
    intro:
      'Yêu cầu bổ sung một lần, nêu đủ mọi nội dung, trong 03 ngày làm việc kể từ ngày tiếp nhận (ND 61 Điều 19(4)). Thời hạn tạm dừng đến khi nhận đủ.',
    fields: [
      {
        name: 'items',
        label: 'Nội dung cần bổ sung, hoàn thiện',
        type: 'repeat',
        fields: [
          { name: 'name', label: 'Nội dung', type: 'text', check: required('nội dung') },
          { name: 'reason', label: 'Lý do', type: 'text', check: required('lý do') },
        ],
      },
      { name: 'reason', label: 'Lý do chung', type: 'textarea', check: required('lý do chung') },
    ],
    body: (v) => ({
      items: v.items.map((i) => ({ name: i.name.trim(), reason: i.reason.trim() })),
      reason: v.reason.trim(),
    }),
  }),
  'start-inter-agency': (ctx) => ({
    intro: 'Gửi hồ sơ lấy ý kiến các cơ quan phối hợp (liên thông).',
    fields: [
      {
        name: 'participants',
        label: 'Cơ quan phối hợp',
        type: 'repeat',
        fields: [
          {
            name: 'agency',
            label: 'Cơ quan',
            type: 'select',
            options: ctx.agencies.map((u) => ({ value: u.code, label: u.name })),
          },
          { name: 'task', label: 'Nội dung cần cho ý kiến', type: 'text', check: required('nội dung') },
          {
            name: 'workingDays',
            label: 'Thời hạn (ngày làm việc)',
            type: 'number',
            value: '2',
            min: '1',
            check: (v) => (/^[1-9]\d*$/.test(String(v)) ? '' : 'Nhập số ngày làm việc (từ 1).'),
          },
        ],
      },
    ],
    body: (v) => ({
      participants: v.participants.map((p) => ({
        agency: p.agency,
        task: p.task.trim(),
        workingDays: Number(p.workingDays),
      })),
    }),
  }),
  'complete-inter-agency': () => ({
    fields: [{ name: 'opinion', label: 'Ý kiến của cơ quan', type: 'textarea', check: required('ý kiến') }],
    body: (v) => ({ opinion: v.opinion.trim() }),
  }),
  'return-result': () => ({
    intro: 'Trả kết quả cho người nộp hồ sơ (ND 61 Điều 20).',
    fields: [
      {
        name: 'channel',
        label: 'Hình thức trả',
        type: 'select',
        options: optionsOf(displayNames.returnChannels),
      },
      { name: 'earlyNoticeSent', label: 'Đã báo trước cho người nộp (trả trước hạn)', type: 'checkbox' },
    ],
    body: (v) => ({ channel: v.channel, ...(v.earlyNoticeSent ? { earlyNoticeSent: true } : {}) }),
  }),
  'record-payment': (ctx) => ({
    fields: [
      {
        name: 'amountVnd',
        label: 'Số tiền (đồng)',
        type: 'number',
        min: '0',
        value: String((ctx.view.state.procedure.fees ?? []).reduce((s, f) => s + f.amountVnd, 0)),
        check: (v) => (/^\d+$/.test(String(v)) ? '' : 'Nhập số tiền (đồng).'),
      },
      {
        name: 'channel',
        label: 'Hình thức thanh toán',
        type: 'select',
        options: optionsOf(displayNames.paymentChannels),
      },
      { name: 'receiptRef', label: 'Số biên lai (không bắt buộc)', type: 'text' },
    ],
    body: (v) => ({
      amountVnd: Number(v.amountVnd),
      channel: v.channel,
      ...(v.receiptRef.trim() ? { receiptRef: v.receiptRef.trim() } : {}),
    }),
  }),
  withdraw: () => ({
    intro: 'Người nộp yêu cầu rút hồ sơ.',
    fields: [{ name: 'reason', label: 'Lý do (không bắt buộc)', type: 'textarea' }],
    body: (v) => (v.reason.trim() ? { reason: v.reason.trim() } : {}),
  }),
  'refuse-intake': () => ({
    fields: [
      { name: 'reason', label: 'Lý do từ chối tiếp nhận', type: 'textarea', check: required('lý do') },
    ],
    body: (v) => ({ reason: v.reason.trim() }),
  }),
  'correct-data': (ctx) => ({
    intro:
      'Sửa dữ liệu sai làm hồ sơ không xử lý được (quản trị hệ thống). Việc sửa được ghi vào quá trình xử lý với người sửa, lý do, giá trị cũ và mới; lịch sử hồ sơ không bị sửa.',
    fields: [
      {
        name: 'value',
        label: `Cơ quan có thẩm quyền giải quyết đúng (hiện tại: ${ctx.view.state.application.competentAgency})`,
        type: 'select',
        options: ctx.agencies.map((u) => ({ value: u.code, label: `${u.name} (${u.code})` })),
      },
      { name: 'reason', label: 'Lý do, căn cứ sửa', type: 'textarea', check: required('lý do sửa') },
    ],
    body: (v) => ({ field: 'competentAgency', value: v.value, reason: v.reason.trim() }),
  }),
  'provide-intake-supplement': (ctx) => supplementSpec(ctx),
  'provide-supplementation': (ctx) => supplementSpec(ctx),
  evaluate: () => {
    const score = (id, label) => ({
      name: `s${id}`,
      label,
      type: 'select',
      options: [
        { value: '', label: 'Không đánh giá' },
        { value: '2', label: '2 điểm' },
        { value: '1', label: '1 điểm' },
        { value: '0', label: '0 điểm' },
      ],
    });
    return {
      intro: 'Đánh giá của người nộp theo TT 01/2018 Điều 13 (mỗi chỉ số 0, 1 hoặc 2 điểm).',
      fields: [
        score('1', '1. Tổng thời gian giải quyết so với quy định'),
        score('2', '2. Thời gian thực hiện tại từng cơ quan'),
        score('3', '3. Số lần liên hệ để hoàn thiện hồ sơ'),
        score('4', '4. Số cơ quan phải liên hệ'),
        score('6', '6. Công khai thủ tục hành chính'),
        score('7', '7. Thái độ của cán bộ'),
        { name: 'liked', label: 'Người nộp hài lòng', type: 'checkbox' },
      ],
      check: (v) =>
        ['1', '2', '3', '4', '6', '7'].some((id) => v[`s${id}`] !== '')
          ? ''
          : 'Chấm điểm ít nhất một chỉ số.',
      body: (v) => ({
        scores: Object.fromEntries(
          ['1', '2', '3', '4', '6', '7']
            .filter((id) => v[`s${id}`] !== '')
            .map((id) => [id, Number(v[`s${id}`])]),
        ),
        ...(v.liked ? { liked: true } : {}),
      }),
    };
  },
};

function supplementSpec(ctx) {
  return {
    intro: 'Ghi nhận các giấy tờ người nộp mang đến bổ sung.',
    fields: [
      {
        name: 'documents',
        label: 'Giấy tờ bổ sung',
        type: 'repeat',
        fields: [
          {
            name: 'kind',
            label: 'Giấy tờ',
            type: 'select',
            options: ctx.documentKinds.map((d) => ({ value: d.kind, label: d.name })),
          },
          {
            name: 'form',
            label: 'Hình thức',
            type: 'select',
            options:
              ctx.view.state.application.channel === 'online'
                ? [{ value: 'electronic', label: 'Bản điện tử' }]
                : [
                    { value: 'paper', label: 'Bản giấy' },
                    { value: 'electronic', label: 'Bản điện tử' },
                  ],
          },
        ],
      },
    ],
    body: (v) => ({ documents: v.documents.map((d) => ({ kind: d.kind, form: d.form })) }),
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering

function input(spec) {
  switch (spec.type) {
    case 'textarea':
      return h('textarea', { name: spec.name, rows: '3' });
    case 'select':
      return h(
        'select',
        { name: spec.name },
        spec.options.map((o) => h('option', { value: o.value, selected: o.value === spec.value }, o.label)),
      );
    case 'date':
      return h('input', { type: 'date', name: spec.name, min: spec.min, value: spec.value });
    case 'number':
      return h('input', {
        type: 'number',
        name: spec.name,
        min: spec.min,
        value: spec.value,
        inputmode: 'numeric',
      });
    default: {
      const el = h('input', { type: 'text', name: spec.name, value: spec.value, autocomplete: 'off' });
      if (spec.list?.length) {
        const listId = uid('list');
        el.setAttribute('list', listId);
        return [
          el,
          h(
            'datalist',
            { id: listId },
            spec.list.map((o) => h('option', { value: o.value }, o.label)),
          ),
        ];
      }
      return el;
    }
  }
}

/** Builds the controls of a list of specs; returns { nodes, read(), validate() }. */
function controls(specs) {
  const parts = specs.map((spec) => {
    if (spec.type === 'checkbox') {
      const id = uid('c');
      const box = h('input', { type: 'checkbox', id, name: spec.name });
      return {
        node: h('div', { class: 'check' }, box, h('label', { for: id }, spec.label)),
        read: () => box.checked,
        validate: () => '',
      };
    }
    if (spec.type === 'radio') {
      const name = uid('r');
      const radios = spec.options.map((o) => {
        const id = uid('r');
        const radio = h('input', {
          type: 'radio',
          name,
          id,
          value: o.value,
          checked: o.value === spec.value,
        });
        return { radio, node: h('span', { class: 'check' }, radio, h('label', { for: id }, o.label)) };
      });
      return {
        node: h(
          'fieldset',
          { class: 'stack' },
          h('legend', {}, spec.label),
          radios.map((r) => r.node),
        ),
        read: () => radios.find((r) => r.radio.checked)?.radio.value ?? '',
        validate: () => '',
      };
    }
    if (spec.type === 'repeat') {
      const rows = [];
      const list = h('ol', { class: 'repeat' });
      const add = () => {
        const row = controls(spec.fields);
        const item = h('li', { class: 'repeat-row' }, row.nodes);
        const entry = { row, item };
        if (rows.length > 0) {
          item.append(
            h(
              'button',
              {
                type: 'button',
                class: 'link-button',
                onclick: () => {
                  rows.splice(rows.indexOf(entry), 1);
                  item.remove();
                },
              },
              'Bỏ dòng này',
            ),
          );
        }
        rows.push(entry);
        list.append(item);
      };
      add();
      return {
        node: h(
          'fieldset',
          { class: 'stack' },
          h('legend', {}, spec.label),
          list,
          h('button', { type: 'button', class: 'secondary', onclick: add }, '+ Thêm dòng'),
        ),
        read: () => rows.map((r) => r.row.read()),
        validate: () => rows.map((r) => r.row.validate()).find(Boolean) ?? '',
      };
    }
    const built = input(spec);
    const el = Array.isArray(built) ? built[0] : built;
    const f = field({ label: spec.label, input: el, hint: spec.hint, required: Boolean(spec.check) });
    if (Array.isArray(built)) f.wrap.append(built[1]);
    const validate = () => {
      const message = spec.check ? spec.check(el.value) : '';
      f.setError(message);
      return message;
    };
    el.addEventListener('input', () => {
      if (el.getAttribute('aria-invalid')) validate();
    });
    el.addEventListener('change', validate);
    return { node: f.wrap, read: () => el.value, validate };
  });
  return {
    nodes: parts.map((p) => p.node),
    read: () => Object.fromEntries(specs.map((s, i) => [s.name, parts[i].read()])),
    validate: () => parts.map((p) => p.validate()).find(Boolean) ?? '',
  };
}

/** Opens the dialog of an action; `done()` runs after the API accepted it. */
export function openActionDialog(action, ctx, done) {
  const spec = specs[action](ctx);
  const code = ctx.view.state.code;
  return openDialog(`${displayNames.actions[action]} — ${code}`, (close) => {
    const built = controls(spec.fields);
    const status = h('div', { class: 'dialog-status', 'aria-live': 'assertive' });
    const submit = h('button', { type: 'submit', class: 'primary' }, displayNames.actions[action]);
    const form = h(
      'form',
      { class: ['action-form', `action-${action}`], novalidate: true, dataset: { action } },
      spec.intro ? h('p', { class: 'intro' }, spec.intro) : null,
      built.nodes,
      status,
      h(
        'div',
        { class: 'actions-row' },
        submit,
        h('button', { type: 'button', class: 'secondary', onclick: close }, 'Hủy'),
      ),
    );
    form.addEventListener('input', () => {
      if (!submit.disabled) mount(status);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const values = built.read();
      const problem = built.validate() || (spec.check ? spec.check(values) : '');
      if (problem) {
        mount(status, h('p', { class: 'alert alert-error', role: 'alert' }, problem));
        form.querySelector('[aria-invalid="true"]')?.focus();
        return;
      }
      submit.disabled = true;
      mount(status, h('p', { class: 'loading' }, 'Đang gửi…'));
      try {
        const result = await post(
          `/v1/dossiers/${encodeURIComponent(code)}/actions/${action}`,
          spec.body(values, ctx),
        );
        toast(`${displayNames.actions[action]}: hồ sơ ${code} — ${result.statusName}`, 'success');
        close();
        done(result);
      } catch (error) {
        mount(status, errorBox(error));
        submit.disabled = false;
      }
    });
    return form;
  });
}
