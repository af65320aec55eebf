/**
 * Citizen lookup, without a token: the dossier code and the lookup secret printed on the receipt
 * (GET /v1/lookup/{code}?secret=) → status, appointment date and apology, and the units whose
 * officials read the applicant's personal data, with when (the access log); no personal data, no
 * official's name. After the result is handed back, the applicant may rate the service once
 * (POST …/evaluation).
 */
import { api } from './api.js';
import { displayNames, inputPatterns } from './names.js';
import { errorBox, field, fmtDate, fmtDateTime, h, mount, select, weekdayOf } from './ui.js';

export function lookupScreen(main) {
  const codeInput = h('input', {
    type: 'text',
    name: 'code',
    autocomplete: 'off',
    spellcheck: 'false',
    inputmode: 'text',
  });
  const secretInput = h('input', {
    type: 'text',
    name: 'secret',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: '20',
  });
  const code = field({
    label: 'Mã số hồ sơ',
    input: codeInput,
    required: true,
    hint: 'In trên Giấy tiếp nhận hồ sơ, ví dụ 000.01.41.H99-260423-0007.',
  });
  const secret = field({
    label: 'Mã tra cứu',
    input: secretInput,
    required: true,
    hint: '10 ký tự in trên Giấy tiếp nhận hồ sơ.',
  });
  const result = h('div', { class: 'lookup-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Tra cứu');

  const checkCode = () => {
    const v = codeInput.value.trim();
    const message = !v
      ? 'Nhập mã số hồ sơ.'
      : inputPatterns.dossierCode.test(v)
        ? ''
        : 'Mã số hồ sơ có dạng <mã đơn vị>-YYMMDD-XXXX.';
    code.setError(message);
    return message;
  };
  const checkSecret = () => {
    const v = secretInput.value.replace(/[\s-]/g, '');
    const message = !v
      ? 'Nhập mã tra cứu.'
      : /^[A-Za-z2-7]{10}$/.test(v)
        ? ''
        : 'Mã tra cứu gồm 10 ký tự (chữ cái và số 2–7).';
    secret.setError(message);
    return message;
  };
  codeInput.addEventListener('blur', () => codeInput.value.trim() && checkCode());
  secretInput.addEventListener('blur', () => secretInput.value.trim() && checkSecret());

  const form = h(
    'form',
    { class: 'card lookup-form', novalidate: true },
    code.wrap,
    secret.wrap,
    h('div', { class: 'actions-row' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const bad = [checkCode(), checkSecret()].some(Boolean);
    if (bad) {
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    submit.disabled = true;
    const dossierCode = codeInput.value.trim();
    const lookupSecret = secretInput.value.replace(/[\s-]/g, '').toUpperCase();
    try {
      const data = await api(
        'GET',
        `/v1/lookup/${encodeURIComponent(dossierCode)}?secret=${encodeURIComponent(lookupSecret)}`,
        undefined,
        {
          auth: false,
        },
      );
      showResult(result, data, lookupSecret);
    } catch (error) {
      if (error.status === 410) {
        showErased(result, error.body ?? {});
        return;
      }
      mount(
        result,
        error.status === 404
          ? h(
              'div',
              { class: 'alert alert-error', role: 'alert' },
              'Không tìm thấy hồ sơ với mã số và mã tra cứu này. Kiểm tra lại hai mã trên Giấy tiếp nhận.',
            )
          : errorBox(error),
      );
    } finally {
      submit.disabled = false;
    }
  });

  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Tra cứu tình trạng hồ sơ'),
      h(
        'p',
        { class: 'muted' },
        'Dành cho người dân, doanh nghiệp: nhập mã số hồ sơ và mã tra cứu trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.',
      ),
    ),
    form,
    result,
  );
}

function showResult(box, data, lookupSecret) {
  const appointment = data.appointmentDate
    ? `${weekdayOf(data.appointmentDate)}, ${fmtDate(data.appointmentDate)}`
    : 'Chưa có';
  let state = 'Hồ sơ đang được giải quyết.';
  if (data.returned) state = 'Kết quả đã được trả.';
  else if (data.resultReady) state = `Đã có kết quả: mời ông/bà đến nhận tại ${data.receivingUnit.name}.`;
  else if (data.ended) state = 'Hồ sơ đã kết thúc.';
  mount(
    box,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'lookup-title' },
      h('h2', { id: 'lookup-title' }, `Hồ sơ ${data.code}`),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Thủ tục'),
        h('dd', {}, data.procedure.name),
        h('dt', {}, 'Tình trạng'),
        h(
          'dd',
          { class: 'lookup-status', dataset: { status: data.status } },
          h('strong', {}, data.statusName),
        ),
        h('dt', {}, 'Ngày hẹn trả kết quả'),
        h('dd', { class: 'lookup-appointment' }, appointment),
        h('dt', {}, 'Nơi nhận kết quả'),
        h('dd', {}, data.receivingUnit.name),
      ),
      h('p', { class: 'lookup-state' }, state),
      data.apology
        ? h(
            'div',
            { class: 'alert alert-warn apology-notice' },
            h('p', { class: 'strong' }, 'Thư xin lỗi và hẹn lại ngày trả kết quả'),
            h(
              'p',
              {},
              `Cơ quan giải quyết xin lỗi vì hồ sơ chưa có kết quả đúng hẹn. Lý do: ${data.apology.reason}.`,
            ),
            h(
              'p',
              {},
              `Ngày hẹn trả kết quả mới: ${weekdayOf(data.apology.newAppointmentDate)}, ${fmtDate(data.apology.newAppointmentDate)} (trước đây: ${fmtDate(data.apology.previousAppointmentDate)}).`,
            ),
          )
        : null,
      data.returned && !data.evaluated && !data.ended ? evaluation(data.code, lookupSecret) : null,
      data.evaluated ? h('p', { class: 'muted' }, 'Cảm ơn ông/bà đã đánh giá.') : null,
    ),
    personalDataAccess(data.personalDataAccess ?? []),
  );
}

/** A dossier whose personal data was erased: the server's message, and who read and erased the data. */
function showErased(box, body) {
  mount(
    box,
    h('div', { class: 'alert alert-warn lookup-erased', role: 'status' }, body.error ?? ''),
    personalDataAccess(body.personalDataAccess ?? []),
  );
}

/** The units that read the applicant's personal data, first read first (names from names.js). */
function personalDataAccess(accesses) {
  const { labels, routes } = displayNames.personalDataAccess;
  const items = accesses.map((access) =>
    h(
      'li',
      { dataset: { unit: access.unit.code } },
      h('strong', { class: 'access-unit' }, access.unit.name),
      h(
        'span',
        { class: 'muted' },
        ` — ${labels.lastAccess}: ${fmtDateTime(access.lastAt)}; ${labels.firstAccess}: ${fmtDateTime(access.firstAt)}; ${labels.times}: ${access.count} (${access.routes.map((route) => routes[route] ?? route).join(', ')})`,
      ),
    ),
  );
  return h(
    'section',
    { class: 'card personal-data-access', 'aria-labelledby': 'access-title' },
    h('h2', { id: 'access-title' }, labels.heading),
    items.length > 0 ? h('ul', { class: 'access-list' }, items) : h('p', { class: 'muted' }, labels.none),
  );
}

function evaluation(code, lookupSecret) {
  const criteria = [
    ['1', 'Thời gian giải quyết so với quy định'],
    ['3', 'Số lần phải liên hệ để hoàn thiện hồ sơ'],
    ['7', 'Thái độ của cán bộ'],
  ];
  const selects = criteria.map(([id, label]) => {
    const s = select(
      [
        { value: '', label: 'Không đánh giá' },
        { value: '2', label: 'Rất hài lòng (2 điểm)' },
        { value: '1', label: 'Hài lòng (1 điểm)' },
        { value: '0', label: 'Không hài lòng (0 điểm)' },
      ],
      { name: `score-${id}` },
    );
    return { id, f: field({ label, input: s }) };
  });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'evaluation' },
    h('h3', {}, 'Đánh giá mức độ hài lòng'),
    selects.map((s) => s.f.wrap),
    status,
    h('button', { type: 'submit', class: 'secondary' }, 'Gửi đánh giá'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scores = Object.fromEntries(
      selects.filter((s) => s.f.input.value !== '').map((s) => [s.id, Number(s.f.input.value)]),
    );
    if (Object.keys(scores).length === 0) {
      mount(
        status,
        h('p', { class: 'alert alert-error', role: 'alert' }, 'Chọn mức độ cho ít nhất một tiêu chí.'),
      );
      return;
    }
    try {
      await api(
        'POST',
        `/v1/lookup/${encodeURIComponent(code)}/evaluation?secret=${encodeURIComponent(lookupSecret)}`,
        { scores },
        { auth: false },
      );
      mount(form, h('p', { class: 'alert alert-success' }, 'Cảm ơn ông/bà đã đánh giá.'));
    } catch (error) {
      mount(status, errorBox(error));
    }
  });
  return form;
}
