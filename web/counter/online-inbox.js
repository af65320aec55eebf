/**
 * The counter's online inbox (GET /v1/online-inbox): dossiers citizens submitted online that wait
 * for the intake decision. Each can be accepted (the receipt, Mẫu 01, goes to the citizen's
 * account), sent back once with a request for electronic supplements (Mẫu 02; within the 3
 * working days the law gives), or refused with the reasons (Mẫu 03).
 */
import { get, post } from '../api.js';
import { errorBox, field, fmtDate, h, loading, mount, openDialog, tableWrap, toast } from '../ui.js';

const title = () => h('h2', { id: 'online-inbox-title' }, 'Hồ sơ trực tuyến chờ tiếp nhận');

function textArea(name) {
  return h('textarea', { name, rows: '3', required: true });
}

/** A dialog with text fields; resolves to their values, or undefined when closed without sending. */
function ask(dialogTitle, fields, sendLabel) {
  let answer;
  return openDialog(dialogTitle, (close) => {
    const built = fields.map(([name, label]) => field({ label, input: textArea(name), required: true }));
    const problem = h('div');
    const form = h(
      'form',
      {
        onsubmit: (event) => {
          event.preventDefault();
          const values = Object.fromEntries(built.map((b) => [b.input.name, b.input.value.trim()]));
          const missing = built.filter((b) => !b.input.value.trim());
          for (const b of built) b.setError(b.input.value.trim() ? '' : 'Vui lòng nhập nội dung');
          if (missing.length > 0) {
            missing[0].input.focus();
            return;
          }
          answer = values;
          close();
        },
      },
      built.map((b) => b.wrap),
      problem,
      h('button', { type: 'submit', class: 'primary' }, sendLabel),
    );
    return form;
  }).then(() => answer);
}

function inboxTable(items, reload) {
  const decide = async (code, action, body, done) => {
    try {
      await post(`/v1/dossiers/${code}/actions/${action}`, body);
      toast(done, 'success');
      await reload();
    } catch (error) {
      toast(error.message, 'error');
    }
  };
  return tableWrap(
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
          h('th', { scope: 'col' }, 'Hạn yêu cầu bổ sung'),
          h('th', { scope: 'col' }, 'Phí, lệ phí'),
          h('th', { scope: 'col' }, 'Xử lý'),
        ),
      ),
      h(
        'tbody',
        {},
        items.map((i) =>
          h(
            'tr',
            { 'data-code': i.code },
            h(
              'td',
              {},
              h('a', { href: `#/ho-so/${i.code}` }, i.code),
              i.supplemented ? h('p', { class: 'muted' }, 'Đã bổ sung') : null,
            ),
            h('td', {}, i.procedure.name),
            h('td', {}, i.supplementDueDate ? fmtDate(i.supplementDueDate) : '—'),
            h(
              'td',
              {},
              i.payment.dueVnd === 0 ? 'Không thu' : i.payment.paid ? 'Đã thanh toán' : 'Chưa thanh toán',
            ),
            h(
              'td',
              { class: 'actions-cell' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'primary small',
                  onclick: () => decide(i.code, 'accept-intake', {}, `Đã tiếp nhận hồ sơ ${i.code}`),
                },
                'Tiếp nhận',
              ),
              i.supplementDueDate
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'small',
                      onclick: async () => {
                        const v = await ask(
                          `Yêu cầu bổ sung hồ sơ ${i.code} (một lần, bản điện tử)`,
                          [
                            ['item', 'Giấy tờ cần bổ sung'],
                            ['why', 'Lý do cần bổ sung giấy tờ này'],
                            ['reason', 'Nội dung hướng dẫn gửi công dân'],
                          ],
                          'Gửi yêu cầu bổ sung',
                        );
                        if (v)
                          await decide(
                            i.code,
                            'request-intake-supplement',
                            {
                              reason: v.reason,
                              items: [{ name: v.item, reason: v.why, form: 'electronic' }],
                            },
                            `Đã gửi yêu cầu bổ sung hồ sơ ${i.code}`,
                          );
                      },
                    },
                    'Yêu cầu bổ sung',
                  )
                : null,
              h(
                'button',
                {
                  type: 'button',
                  class: 'warn small',
                  onclick: async () => {
                    const v = await ask(
                      `Từ chối tiếp nhận hồ sơ ${i.code}`,
                      [['reason', 'Lý do từ chối']],
                      'Từ chối tiếp nhận',
                    );
                    if (v)
                      await decide(
                        i.code,
                        'refuse-intake',
                        { reason: v.reason },
                        `Đã từ chối tiếp nhận hồ sơ ${i.code}`,
                      );
                  },
                },
                'Từ chối',
              ),
            ),
          ),
        ),
      ),
    ),
    'Hồ sơ trực tuyến chờ tiếp nhận',
  );
}

/** Fills `box` (a section labelled by #online-inbox-title) with the online inbox. */
export async function loadOnlineInbox(box) {
  const reload = () => loadOnlineInbox(box);
  mount(box, title(), loading());
  try {
    const { items } = await get('/v1/online-inbox');
    mount(
      box,
      title(),
      items.length === 0
        ? h('p', { class: 'muted' }, 'Không có hồ sơ trực tuyến nào chờ tiếp nhận.')
        : inboxTable(items, reload),
    );
  } catch (error) {
    mount(box, title(), errorBox(error));
  }
}
