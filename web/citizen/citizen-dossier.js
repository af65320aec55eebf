/**
 * One of the citizen's dossiers, kept live (read again at each of its events, from the server-sent
 * event stream, and every 15 s as a fallback; redrawn when it changed): status and timeline, the statutory forms as PDF files, online
 * payment and its receipt, answering a supplementation request by uploading, the signed e-result
 * with its signature check, and the rating of the service.
 */
import { displayNames } from '../names.js';
import { h, mount, toast } from '../ui.js';
import { call, sendFile } from './citizen-api.js';
import { civil, dateTime, errorText, focusHeading, heading, vnd } from './citizen-ui.js';

/** The fallback read when the event stream is down (proxies that buffer, a dropped connection). */
const POLL_MS = 15_000;

function download(href, text, id) {
  return h('a', { class: 'button', href, download: '', id }, text);
}

function paymentSection(code, d, query) {
  const back = query.get('thanh-toan');
  const notice =
    back === 'thanh-cong'
      ? h(
          'div',
          { class: 'alert alert-success', role: 'status' },
          h('p', {}, 'Thanh toán thành công; biên lai có bên dưới khi cổng thanh toán xác nhận.'),
        )
      : back
        ? h(
            'div',
            { class: 'alert alert-warn', role: 'status' },
            h('p', {}, 'Giao dịch thanh toán chưa thành công; bạn có thể thử lại.'),
          )
        : null;
  if (d.payment.dueVnd === 0) return null;
  return h(
    'section',
    { 'aria-labelledby': 'thanh-toan-h' },
    h('h2', { id: 'thanh-toan-h' }, 'Phí, lệ phí'),
    notice,
    h('p', {}, `Phải nộp: ${vnd(d.payment.dueVnd)}; đã nộp: ${vnd(d.payment.paidVnd)}`),
    d.payment.paid
      ? h(
          'div',
          { class: 'actions' },
          d.payments.some((p) => p.channel === 'local-portal')
            ? download(
                `/v1/citizen/dossiers/${encodeURIComponent(code)}/receipt.pdf`,
                'Tải biên lai (PDF)',
                'tai-bien-lai',
              )
            : null,
        )
      : d.ended
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'primary',
              id: 'thanh-toan',
              onclick: async (event) => {
                event.target.disabled = true;
                try {
                  const { redirect } = await call(
                    'POST',
                    `/v1/citizen/dossiers/${encodeURIComponent(code)}/payments`,
                  );
                  location.assign(redirect);
                } catch (error) {
                  event.target.disabled = false;
                  toast(errorText(error), 'error');
                }
              },
            },
            `Thanh toán trực tuyến ${vnd(d.payment.outstandingVnd)}`,
          ),
  );
}

function supplementSection(code, d, refresh) {
  const request = d.supplementRequest;
  if (!request || d.ended) return null;
  const uploads = new Map();
  const rows = request.items.map((item, index) => {
    const kind = item.kind ?? `bo-sung-${index + 1}`;
    const id = `bs-${index}`;
    const error = h('p', { class: 'field-error', id: `${id}-loi`, hidden: true });
    const status = h('p', { class: 'meta', 'aria-live': 'polite' });
    const input = h('input', {
      type: 'file',
      id,
      accept: 'application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png',
      'aria-describedby': `${id}-loi`,
      onchange: async (event) => {
        const file = event.target.files?.[0];
        if (!file) return;
        error.hidden = true;
        mount(status, 'Đang tải lên…');
        try {
          const stored = await sendFile(
            'POST',
            `/v1/citizen/dossiers/${encodeURIComponent(code)}/uploads?name=${encodeURIComponent(file.name)}`,
            file,
          );
          uploads.set(kind, { kind, ref: stored.ref, name: item.name.slice(0, 200) });
          mount(status, h('span', { class: 'done' }, `Đã tải lên: ${stored.name}`));
        } catch (failure) {
          mount(status);
          error.textContent = errorText(failure);
          error.hidden = false;
          event.target.value = '';
        }
      },
    });
    return h(
      'div',
      { class: 'field component' },
      h('label', { for: id }, item.name),
      h('p', { class: 'hint' }, item.reason),
      input,
      error,
      status,
    );
  });
  return h(
    'section',
    { 'aria-labelledby': 'bo-sung-h' },
    h('h2', { id: 'bo-sung-h' }, 'Hồ sơ cần bổ sung'),
    h('div', { class: 'alert alert-warn' }, h('p', {}, request.reason)),
    rows,
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        id: 'gui-bo-sung',
        onclick: async (event) => {
          if (uploads.size === 0) {
            toast('Vui lòng tải lên giấy tờ cần bổ sung', 'error');
            return;
          }
          event.target.disabled = true;
          try {
            await call('POST', `/v1/citizen/dossiers/${encodeURIComponent(code)}/supplement`, {
              documents: [...uploads.values()],
            });
            toast('Đã gửi hồ sơ bổ sung', 'success');
            await refresh(true);
          } catch (error) {
            event.target.disabled = false;
            toast(errorText(error), 'error');
          }
        },
      },
      'Gửi hồ sơ bổ sung',
    ),
  );
}

function resultSection(code, d) {
  if (!d.result) return null;
  const check = h('p', { 'aria-live': 'polite', id: 'kiem-tra-chu-ky' });
  const base = `/v1/citizen/dossiers/${encodeURIComponent(code)}`;
  return h(
    'section',
    { 'aria-labelledby': 'ket-qua-h' },
    h('h2', { id: 'ket-qua-h' }, d.result.kind === 'approval' ? 'Kết quả giải quyết' : 'Thông báo từ chối'),
    h('p', {}, `Ký số bởi ${d.result.signedByName} lúc ${dateTime(d.result.signedAt)}`),
    h(
      'div',
      { class: 'actions' },
      download(`${base}/result.pdf`, 'Tải kết quả (PDF)', 'tai-ket-qua'),
      download(`${base}/result/signed`, 'Tải văn bản điện tử đã ký', 'tai-ban-ky'),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          id: 'kiem-tra',
          onclick: async () => {
            try {
              const r = await call('GET', `${base}/result`);
              mount(
                check,
                h('span', { class: r.verification.valid ? 'verified' : 'not-verified' }, r.verdict),
              );
            } catch (error) {
              mount(check, h('span', { class: 'not-verified' }, errorText(error)));
            }
          },
        },
        'Kiểm tra chữ ký số',
      ),
    ),
    check,
  );
}

function ratingSection(code, d, refresh) {
  if (d.evaluated) return h('p', { class: 'verified' }, 'Cảm ơn bạn đã đánh giá mức độ hài lòng.');
  if (!d.canEvaluate) return null;
  const questions = [
    ['1', 'Thời gian giải quyết'],
    ['2', 'Số lần phải liên hệ'],
    ['3', 'Thái độ, trách nhiệm của cán bộ'],
  ];
  const choices = [
    [2, 'Hài lòng'],
    [1, 'Bình thường'],
    [0, 'Không hài lòng'],
  ];
  const form = h(
    'form',
    {
      id: 'danh-gia',
      onsubmit: async (event) => {
        event.preventDefault();
        const scores = {};
        for (const [key] of questions) {
          const picked = form.querySelector(`input[name="q${key}"]:checked`);
          if (picked) scores[key] = Number(picked.value);
        }
        if (Object.keys(scores).length === 0) {
          toast('Vui lòng chọn ít nhất một mức đánh giá', 'error');
          return;
        }
        try {
          await call('POST', `/v1/citizen/dossiers/${encodeURIComponent(code)}/evaluation`, {
            scores,
            liked: scores['1'] === 2,
          });
          toast('Đã ghi nhận đánh giá', 'success');
          await refresh(true);
        } catch (error) {
          toast(errorText(error), 'error');
        }
      },
    },
    questions.map(([key, label]) =>
      h(
        'fieldset',
        {},
        h('legend', {}, label),
        choices.map(([value, text]) => {
          const id = `q${key}-${value}`;
          return h(
            'div',
            { class: 'choice' },
            h('input', { type: 'radio', name: `q${key}`, id, value: String(value) }),
            h('label', { for: id }, text),
          );
        }),
      ),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Gửi đánh giá'),
  );
  return h(
    'section',
    { 'aria-labelledby': 'danh-gia-h' },
    h('h2', { id: 'danh-gia-h' }, 'Đánh giá mức độ hài lòng'),
    form,
  );
}

export async function showDossier(main, code, query) {
  let seq = -1;
  let stopped = false;
  const refresh = async (force = false) => {
    const d = await call('GET', `/v1/citizen/dossiers/${encodeURIComponent(code)}`);
    if (!force && d.eventSeq === seq) return;
    const first = seq === -1;
    seq = d.eventSeq;
    // A redraw keeps the focus where it was when it can (the element with the same id).
    const focusedId = document.activeElement?.id;
    mount(
      main,
      heading(`Hồ sơ ${d.code}`),
      h('p', {}, d.procedure.name),
      h('p', { class: 'status', id: 'trang-thai' }, d.statusName),
      d.waitingInOnlineInbox
        ? h(
            'p',
            { class: 'meta' },
            `Đang chờ ${d.receivingUnit.name} tiếp nhận${d.onlineIntakeDueDate ? `; yêu cầu bổ sung (nếu có) được gửi chậm nhất ngày ${civil(d.onlineIntakeDueDate)}` : ''}.`,
          )
        : null,
      d.appointmentDate ? h('p', {}, `Ngày hẹn trả kết quả: ${civil(d.appointmentDate)}`) : null,
      supplementSection(code, d, refresh),
      paymentSection(code, d, query),
      resultSection(code, d),
      ratingSection(code, d, refresh),
      d.forms.length
        ? h(
            'section',
            { 'aria-labelledby': 'van-ban-h' },
            h('h2', { id: 'van-ban-h' }, 'Văn bản, phiếu của hồ sơ'),
            h(
              'ul',
              { class: 'citizen-list' },
              d.forms.map((f) =>
                h(
                  'li',
                  {},
                  h(
                    'a',
                    {
                      href: `/v1/citizen/dossiers/${encodeURIComponent(code)}/forms/${f}`,
                      download: '',
                      id: `phieu-${f}`,
                    },
                    `${displayNames.forms[f] ?? f} (PDF)`,
                  ),
                ),
              ),
            ),
          )
        : null,
      h(
        'section',
        { 'aria-labelledby': 'qua-trinh-h' },
        h('h2', { id: 'qua-trinh-h' }, 'Quá trình xử lý'),
        h(
          'ol',
          { class: 'timeline', id: 'qua-trinh' },
          d.timeline.map((e) =>
            h(
              'li',
              {},
              h('time', { datetime: e.at }, dateTime(e.at)),
              h('strong', {}, e.title),
              e.by ? ` — ${e.by}` : null,
              e.note ? h('p', { class: 'meta' }, e.note) : null,
            ),
          ),
        ),
      ),
      h('p', {}, h('a', { href: '#/' }, 'Về hồ sơ của tôi')),
    );
    if (first) focusHeading();
    else if (focusedId) document.getElementById(focusedId)?.focus();
  };
  await refresh();
  // Live: the dossier's events as they happen (server-sent events), and a slow read as a fallback.
  const events = new EventSource(`/v1/citizen/dossiers/${encodeURIComponent(code)}/events`);
  events.addEventListener('changed', () => {
    if (!stopped) void refresh().catch(() => undefined);
  });
  events.addEventListener('expired', () => events.close());
  const timer = setInterval(() => {
    if (!stopped) void refresh().catch(() => undefined);
  }, POLL_MS);
  return () => {
    stopped = true;
    events.close();
    clearInterval(timer);
  };
}
