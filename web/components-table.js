/**
 * The components of a dossier as the workflow recorded them: on paper or electronic, digitized
 * (scanned, hashed and stored), signed by which unit, reused from an earlier dossier of the same
 * applicant; the stored file opens through GET /v1/documents/{ref}?dossier= (access-logged).
 */
import { h, tableWrap } from './ui.js';

/** `unitName(code)` names the signing unit. */
export function componentsTable(code, components, unitName) {
  return tableWrap(
    h(
      'table',
      { class: 'list components' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Tên giấy tờ', 'Hình thức', 'Số hóa', 'Ký số', 'Tái sử dụng', 'Tệp'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        components.map((c) =>
          h(
            'tr',
            {
              dataset: {
                kind: c.kind,
                digitized: String(Boolean(c.digitized)),
                reused: String(Boolean(c.reused)),
              },
            },
            h('td', {}, c.name),
            h('td', {}, c.form === 'paper' ? 'Bản giấy' : 'Bản điện tử'),
            h('td', { class: 'digitized' }, c.digitized ? '✓ Đã số hóa' : 'Chưa số hóa'),
            h('td', { class: 'signed' }, c.signedBy ? `✓ ${unitName(c.signedBy)}` : '—'),
            h('td', { class: 'reused' }, c.reused || c.fromDataStore ? '✓ Dùng lại' : 'Không'),
            h(
              'td',
              {},
              c.ref
                ? h(
                    'a',
                    {
                      href: `/v1/documents/${encodeURIComponent(c.ref)}?dossier=${encodeURIComponent(code)}`,
                      class: 'document-link',
                      title: c.sha256 ? `SHA-256 ${c.sha256}` : undefined,
                    },
                    `Tải về ${c.name}`,
                  )
                : '',
            ),
          ),
        ),
      ),
    ),
    'Thành phần hồ sơ',
  );
}
