/** The counter's list of dossiers whose result is waiting to be handed back (search by status). */
import { get, query } from '../api.js';
import { displayNames } from '../names.js';
import { h, loading, mount, tableWrap } from '../ui.js';

const title = () => h('h2', { id: 'waiting-title' }, 'Hồ sơ chờ trả kết quả');

function waitingTable(items) {
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
            h('td', {}, i.statusName ?? displayNames.statuses[i.status] ?? ''),
          ),
        ),
      ),
    ),
    'Hồ sơ chờ trả kết quả',
  );
}

/** Fills `box` (a section labelled by #waiting-title) with the dossiers decided and not yet returned. */
export async function loadResultWaitingList(box) {
  mount(box, title(), loading());
  try {
    const pages = await Promise.all(
      ['DA_XU_LY_XONG', 'TU_CHOI'].map((status) => get(`/v1/dossiers${query({ status, pageSize: 50 })}`)),
    );
    const items = pages.flatMap((p) => p.items).filter((i) => !i.closed);
    mount(
      box,
      title(),
      items.length === 0
        ? h('p', { class: 'muted' }, 'Không có hồ sơ nào chờ trả kết quả.')
        : waitingTable(items),
    );
  } catch (error) {
    mount(
      box,
      title(),
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
