/**
 * Feedback and petitions for citizens and businesses, without signing in:
 *   #/phan-anh-kien-nghi   send one online (POST /v1/feedback/online): the answer is its id and a
 *                          lookup secret (mã tra cứu) to follow it
 *   #/tra-cuu-phan-anh     follow it (GET /v1/lookup/feedback/{id}?secret=): status, the unit
 *                          handling it, its limits, the supplement asked for (sent from here), the
 *                          answer, and the rating of the answer, once. No personal data is shown.
 */
import { api } from './api.js';
import { feedbackForm } from './feedback-form.js';
import { displayNames, inputPatterns } from './names.js';
import { errorBox, field, fmtDate, fmtDateTime, h, loading, mount, tableWrap, weekdayOf } from './ui.js';

const { feedback: names } = displayNames;
const publicCall = (method, path, body) => api(method, path, body, { auth: false });

export async function feedbackSubmitScreen(main) {
  mount(main, h('h1', {}, 'Gửi phản ánh, kiến nghị'), loading());
  let choices;
  try {
    choices = await publicCall('GET', '/v1/feedback/online/choices');
  } catch (error) {
    mount(main, h('h1', {}, 'Gửi phản ánh, kiến nghị'), errorBox(error));
    return;
  }
  const form = feedbackForm({
    choices,
    send: (body) => publicCall('POST', '/v1/feedback/online', body),
    onSent: (receipt) => showReceipt(main, receipt, choices),
  });
  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Gửi phản ánh, kiến nghị'),
      h(
        'p',
        { class: 'muted' },
        'Về quy định hành chính, thủ tục hoặc hồ sơ đã nộp (Nghị định 20/2008/NĐ-CP). Không cần đăng nhập; ông/bà nhận mã để theo dõi kết quả xử lý.',
      ),
    ),
    form,
  );
}

function limitDue(limits, name) {
  const limit = limits.find((l) => l.name === name);
  return limit ? `${weekdayOf(limit.dueDate)}, ${fmtDate(limit.dueDate)}` : '—';
}

function showReceipt(main, receipt, choices) {
  const unit = choices.units.find((u) => u.code === receipt.handlingUnit)?.name ?? receipt.handlingUnit;
  mount(
    main,
    h('h1', { tabindex: '-1', id: 'feedback-sent-title' }, 'Đã gửi phản ánh, kiến nghị'),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'feedback-receipt-title' },
      h('h2', { id: 'feedback-receipt-title' }, 'Ghi lại hai mã sau để theo dõi kết quả'),
      h(
        'dl',
        { class: 'facts result-facts' },
        h('dt', {}, 'Mã phản ánh, kiến nghị'),
        h('dd', { class: 'feedback-id' }, receipt.id),
        h('dt', {}, 'Mã tra cứu'),
        h('dd', { class: 'lookup-secret' }, receipt.lookupSecret),
        h('dt', {}, 'Cơ quan tiếp nhận'),
        h('dd', {}, unit),
        h('dt', {}, 'Tình trạng'),
        h('dd', {}, receipt.statusName),
        h('dt', {}, `Hạn ${names.limits.answer.toLowerCase()}`),
        h('dd', {}, limitDue(receipt.limits, 'answer')),
      ),
      receipt.missingContactDetails.length
        ? h(
            'p',
            { class: 'alert alert-warn' },
            `Thiếu ${receipt.missingContactDetails.join(', ')}: cơ quan có thể không tiếp nhận (ND 20/2008 Điều 7).`,
          )
        : null,
      h('p', {}, h('a', { href: '#/tra-cuu-phan-anh', class: 'button' }, 'Theo dõi phản ánh, kiến nghị')),
    ),
  );
  document.getElementById('feedback-sent-title')?.focus();
}

export function feedbackLookupScreen(main) {
  const idInput = h('input', { type: 'text', name: 'feedbackId', autocomplete: 'off', spellcheck: 'false' });
  const secretInput = h('input', {
    type: 'text',
    name: 'secret',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: '20',
  });
  const id = field({
    label: 'Mã phản ánh, kiến nghị',
    input: idInput,
    required: true,
    hint: 'Ví dụ PAKN-000.00.11.H99-260423-0001.',
  });
  const secret = field({ label: 'Mã tra cứu', input: secretInput, required: true, hint: '10 ký tự.' });
  const result = h('div', { class: 'lookup-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'card lookup-form', novalidate: true },
    id.wrap,
    secret.wrap,
    h('div', { class: 'actions-row' }, h('button', { type: 'submit', class: 'primary' }, 'Tra cứu')),
  );
  const look = async () => {
    const feedbackId = idInput.value.trim();
    const lookupSecret = secretInput.value.replace(/[\s-]/g, '').toUpperCase();
    const data = await publicCall(
      'GET',
      `/v1/lookup/feedback/${encodeURIComponent(feedbackId)}?secret=${encodeURIComponent(lookupSecret)}`,
    );
    showFeedback(result, data, lookupSecret, look);
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const idError = inputPatterns.feedbackId.test(idInput.value.trim())
      ? ''
      : 'Mã phản ánh có dạng PAKN-<mã đơn vị>-YYMMDD-XXXX.';
    const secretError = /^[A-Za-z2-7]{10}$/.test(secretInput.value.replace(/[\s-]/g, ''))
      ? ''
      : 'Mã tra cứu gồm 10 ký tự (chữ cái và số 2–7).';
    id.setError(idError);
    secret.setError(secretError);
    if (idError || secretError) {
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    try {
      await look();
    } catch (error) {
      mount(
        result,
        error.status === 404
          ? h(
              'div',
              { class: 'alert alert-error', role: 'alert' },
              'Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu này.',
            )
          : errorBox(error),
      );
    }
  });
  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Tra cứu phản ánh, kiến nghị'),
      h('p', { class: 'muted' }, 'Nhập mã phản ánh, kiến nghị và mã tra cứu nhận được khi gửi.'),
    ),
    form,
    result,
  );
}

/** The limits of a feedback: each step, its due date and how it stands. */
export function limitsTable(limits) {
  return tableWrap(
    h(
      'table',
      { class: 'list limits' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Bước', 'Thời hạn', 'Hạn', 'Tình trạng'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        limits.map((l) =>
          h(
            'tr',
            { dataset: { limit: l.name, outcome: l.outcome } },
            h('td', {}, names.limits[l.name] ?? l.label),
            h('td', {}, `${l.workingDays} ngày làm việc`),
            h('td', {}, fmtDate(l.dueDate)),
            h(
              'td',
              { class: l.outcome === 'overdue' || l.outcome === 'missed' ? 'late' : '' },
              names.limitOutcomes[l.outcome] ?? l.outcome,
              l.doneAt ? ` (${fmtDateTime(l.doneAt)})` : '',
            ),
          ),
        ),
      ),
    ),
    'Thời hạn xử lý',
  );
}

function showFeedback(box, data, lookupSecret, again) {
  const base = `/v1/lookup/feedback/${encodeURIComponent(data.id)}`;
  const q = `?secret=${encodeURIComponent(lookupSecret)}`;
  const status = h('div', { 'aria-live': 'polite' });

  let supplementForm = null;
  if (data.supplementRequested) {
    const reply = field({
      label: 'Thông tin bổ sung',
      input: h('textarea', { name: 'supplement', rows: '4' }),
      required: true,
    });
    supplementForm = h(
      'form',
      { class: 'supplement-reply', novalidate: true },
      h('h3', {}, 'Cơ quan đề nghị bổ sung thông tin'),
      h('p', {}, data.supplementRequested.question),
      data.supplementRequested.items.length
        ? h(
            'ul',
            {},
            data.supplementRequested.items.map((i) => h('li', {}, i)),
          )
        : null,
      reply.wrap,
      h('button', { type: 'submit', class: 'secondary' }, 'Gửi thông tin bổ sung'),
    );
    supplementForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const content = reply.input.value.trim();
      reply.setError(content ? '' : 'Nhập thông tin bổ sung.');
      if (!content) return reply.input.focus();
      try {
        await publicCall('POST', `${base}/supplement${q}`, { content });
        await again();
      } catch (error) {
        mount(status, errorBox(error));
      }
    });
  }

  let ratingForm = null;
  if (data.answer && !data.rated) {
    const yes = h('input', {
      type: 'radio',
      name: 'satisfied',
      id: 'satisfied-yes',
      value: 'yes',
      checked: true,
    });
    const no = h('input', { type: 'radio', name: 'satisfied', id: 'satisfied-no', value: 'no' });
    const comment = field({
      label: 'Ý kiến thêm (không bắt buộc)',
      input: h('textarea', { name: 'comment', rows: '2', maxlength: '2000' }),
    });
    ratingForm = h(
      'form',
      { class: 'feedback-rating' },
      h(
        'fieldset',
        { class: 'inline' },
        h('legend', {}, 'Ông/bà có hài lòng với kết quả xử lý?'),
        h('span', { class: 'check' }, yes, h('label', { for: 'satisfied-yes' }, 'Hài lòng')),
        h('span', { class: 'check' }, no, h('label', { for: 'satisfied-no' }, 'Không hài lòng')),
      ),
      comment.wrap,
      h('button', { type: 'submit', class: 'secondary' }, 'Gửi đánh giá'),
    );
    ratingForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await publicCall('POST', `${base}/rating${q}`, {
          satisfied: yes.checked,
          ...(comment.input.value.trim() ? { comment: comment.input.value.trim() } : {}),
        });
        await again();
      } catch (error) {
        mount(status, errorBox(error));
      }
    });
  }

  mount(
    box,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'feedback-lookup-title', dataset: { status: data.status } },
      h('h2', { id: 'feedback-lookup-title' }, `Phản ánh, kiến nghị ${data.id}`),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Tình trạng'),
        h('dd', { class: 'feedback-status' }, h('strong', {}, data.statusName)),
        h('dt', {}, 'Cơ quan đang xử lý'),
        h('dd', {}, data.handlingUnit.name),
      ),
      limitsTable(data.limits),
      supplementForm,
      data.answer
        ? h(
            'div',
            { class: 'alert alert-info feedback-answer' },
            h('p', { class: 'strong' }, `Kết quả xử lý, trả lời (${fmtDateTime(data.answer.at)})`),
            h('p', {}, data.answer.content),
          )
        : null,
      ratingForm,
      data.rated
        ? h('p', { class: 'muted feedback-rated' }, 'Cảm ơn ông/bà đã đánh giá kết quả xử lý.')
        : null,
      status,
    ),
  );
}
