/** A small form of the counter screen to open a dossier by its code. */
import { inputPatterns } from '../names.js';
import { field, h } from '../ui.js';

export function openByCodeForm() {
  const input = h('input', {
    type: 'text',
    name: 'code',
    placeholder: '000.01.41.H99-260423-0001',
    autocomplete: 'off',
  });
  const f = field({ label: 'Mở hồ sơ theo mã số', input });
  return h(
    'form',
    {
      class: 'open-by-code card no-print',
      onsubmit: (e) => {
        e.preventDefault();
        const code = input.value.trim();
        if (!inputPatterns.dossierCode.test(code)) {
          f.setError('Mã hồ sơ có dạng <mã đơn vị>-YYMMDD-XXXX, ví dụ 000.01.41.H99-260423-0001.');
          input.focus();
          return;
        }
        location.hash = `#/ho-so/${code}`;
      },
    },
    h(
      'div',
      { class: 'inline-form' },
      f.wrap,
      h('button', { type: 'submit', class: 'secondary' }, 'Mở hồ sơ'),
    ),
  );
}
