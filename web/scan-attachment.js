/**
 * The scan of one dossier component, at intake and with the supplements: a file chosen, dropped
 * onto the component, or taken with a phone's camera is uploaded at once (POST /v1/uploads, the
 * server reads its type from the content: PDF, JPEG or PNG) and previewed; it can be replaced or
 * removed until the dossier is sent. The workflow digitizes and signs it when the dossier (or the
 * supplement) is received: its `ref` is the component's `fileRef`.
 */
import { upload } from './api.js';
import { formatNumber, h, mount, uid } from './ui.js';

const ACCEPT = 'application/pdf,image/jpeg,image/png';

const sizeText = (bytes) =>
  bytes < 1024 * 1024
    ? `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB`
    : `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`;

/** A small preview of a file kept in the browser: an image, or a link that opens the PDF. */
function preview(file) {
  if (file.type.startsWith('image/')) {
    // A data: URL (the console's policy allows data: images, not blob:).
    const img = h('img', { class: 'scan-thumb', alt: `Ảnh quét: ${file.name}` });
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      img.src = String(reader.result);
    });
    reader.readAsDataURL(file);
    return img;
  }
  const link = h(
    'a',
    { href: URL.createObjectURL(file), target: '_blank', rel: 'noopener', class: 'scan-open' },
    `Xem tệp ${file.name}`,
  );
  return h(
    'span',
    { class: 'scan-pdf' },
    h('span', { class: 'scan-icon', 'aria-hidden': 'true' }, 'PDF'),
    link,
  );
}

/**
 * `label` names the component (for the controls' accessible names); `onAttached()` runs when a
 * file was uploaded. Returns { node, attach(file), fileRef(), busy() }.
 */
export function scanAttachment(label, { onAttached = () => {} } = {}) {
  const fileId = uid('scan');
  const cameraId = uid('camera');
  // The visible label is short; the accessible name also says which component (and starts with it).
  const fileInput = h('input', {
    type: 'file',
    id: fileId,
    accept: ACCEPT,
    class: 'scan-file',
    'aria-label': `Tệp quét (PDF, JPEG, PNG) — ${label}`,
  });
  const cameraInput = h('input', {
    type: 'file',
    id: cameraId,
    accept: 'image/jpeg,image/png',
    capture: 'environment',
    class: 'scan-file',
    'aria-label': `Chụp bằng máy ảnh — ${label}`,
  });
  const status = h('div', { class: 'scan-status', role: 'status', 'aria-live': 'polite' });
  let current; // { ref, name, size, mediaType }
  let pending = 0;

  const show = (file, uploaded) =>
    mount(
      status,
      h(
        'div',
        { class: 'scan-preview', dataset: { ref: uploaded.ref } },
        preview(file),
        h(
          'p',
          { class: 'small' },
          h('strong', {}, 'Đã tải lên: '),
          `${file.name} (${sizeText(uploaded.size)}). Sẽ được số hóa và ký số khi tiếp nhận.`,
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            onclick: () => {
              current = undefined;
              fileInput.value = '';
              cameraInput.value = '';
              mount(status, h('p', { class: 'small muted' }, 'Đã bỏ tệp.'));
              fileInput.focus();
            },
          },
          `Bỏ tệp của ${label}`,
        ),
      ),
    );

  const attach = async (file) => {
    if (!file) return;
    pending += 1;
    mount(status, h('p', { class: 'small loading' }, `Đang tải lên ${file.name}…`));
    try {
      const uploaded = await upload(file);
      current = uploaded;
      show(file, uploaded);
      onAttached(uploaded);
    } catch (error) {
      current = undefined;
      mount(status, h('p', { class: 'field-error', role: 'alert' }, error.message));
    } finally {
      pending -= 1;
    }
  };
  fileInput.addEventListener('change', () => attach(fileInput.files?.[0]));
  cameraInput.addEventListener('change', () => attach(cameraInput.files?.[0]));

  const node = h(
    'div',
    { class: 'scan' },
    h(
      'div',
      { class: 'scan-inputs' },
      h(
        'span',
        { class: 'inline-field' },
        h('label', { for: fileId }, 'Tệp quét (PDF, JPEG, PNG)'),
        fileInput,
      ),
      h('span', { class: 'inline-field' }, h('label', { for: cameraId }, 'Chụp bằng máy ảnh'), cameraInput),
    ),
    h(
      'p',
      { class: 'hint small' },
      'Hoặc kéo thả tệp vào ô giấy tờ này. Chọn tệp khác để thay tệp đã tải lên.',
    ),
    status,
  );
  return { node, attach, fileRef: () => current?.ref, busy: () => pending > 0 };
}

/** Makes `target` take a file dropped onto it (`onFile(file)`). */
export function acceptDrops(target, onFile) {
  target.addEventListener('dragover', (event) => {
    event.preventDefault();
    target.classList.add('drop-over');
  });
  target.addEventListener('dragleave', () => target.classList.remove('drop-over'));
  target.addEventListener('drop', (event) => {
    event.preventDefault();
    target.classList.remove('drop-over');
    const file = event.dataTransfer?.files?.[0];
    if (file) onFile(file);
  });
}
