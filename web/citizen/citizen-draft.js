/**
 * A draft's e-form (generated from the procedure's schema: GET /v1/citizen/procedures/<code>/eform),
 * saved as the citizen goes (each change is a PUT; the server answers with what still stops the
 * submission, shown beside the fields in Vietnamese), each component uploaded as it is chosen
 * (the server checks its type and size: 413 and 415 are shown beside it), and the review page.
 */
import { field, h, mount, toast } from '../ui.js';
import { call, sendFile } from './citizen-api.js';
import { civil, dateTime, errorText, focusHeading, heading, vnd } from './citizen-ui.js';

const ACCEPT = 'application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png';

function placeValue(place) {
  return `${place.receivingUnit}|${place.competentAgency}`;
}

/** The fields of the form as the PUT body (empty text is "not filled in"). */
function collect(form, fields) {
  const body = { applicant: {} };
  const place = form.elements.namedItem('place')?.value;
  if (place) {
    const [receivingUnit, competentAgency] = place.split('|');
    body.receivingUnit = receivingUnit;
    body.competentAgency = competentAgency;
  }
  for (const f of fields) {
    const value = form.elements.namedItem(f.name)?.value ?? '';
    if (f.name.startsWith('applicant.'))
      body.applicant[f.name.slice('applicant.'.length)] = value || undefined;
    else if (value) body[f.name] = value;
  }
  return body;
}

export async function showDraft(main, id) {
  const { draft } = await call('GET', `/v1/citizen/drafts/${id}`);
  const [eform, { reusable }] = await Promise.all([
    call('GET', `/v1/citizen/procedures/${encodeURIComponent(draft.procedureCode)}/eform`),
    call('GET', `/v1/citizen/digitized?procedure=${encodeURIComponent(draft.procedureCode)}`),
  ]);
  const setters = new Map(); // field name → setError
  const saved = h('p', { class: 'meta', role: 'status', 'aria-live': 'polite', id: 'trang-thai-luu' });
  let showErrors = false;
  let lastErrors = [];

  const applyErrors = (errors) => {
    lastErrors = errors;
    for (const [name, setError] of setters) {
      const found = showErrors ? errors.find((e) => e.field === name) : undefined;
      setError(found?.message ?? '');
    }
  };

  const form = h('form', { id: 'e-form', novalidate: true, onsubmit: (event) => event.preventDefault() });
  let timer;
  const save = async () => {
    clearTimeout(timer);
    try {
      const answer = await call('PUT', `/v1/citizen/drafts/${id}`, collect(form, eform.fields));
      saved.textContent = `Đã lưu bản nháp lúc ${dateTime(answer.draft.updatedAt)}`;
      applyErrors(answer.errors);
      return answer;
    } catch (error) {
      saved.textContent = `Chưa lưu được: ${errorText(error)}`;
      throw error;
    }
  };
  const saveSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void save().catch(() => undefined), 800);
  };

  // Where to lodge the dossier.
  const place = h(
    'select',
    { name: 'place', id: 'noi-nop', onchange: () => void save().catch(() => undefined) },
    h('option', { value: '' }, '— Chọn nơi nộp hồ sơ —'),
    eform.places.map((p) =>
      h(
        'option',
        {
          value: placeValue(p),
          selected: draft.receivingUnit === p.receivingUnit && draft.competentAgency === p.competentAgency,
        },
        p.label,
      ),
    ),
  );
  const placeField = field({ label: 'Nơi nộp hồ sơ', input: place, required: true });
  setters.set('receivingUnit', placeField.setError);

  // The applicant's fields, from the schema.
  const inputs = eform.fields.map((f) => {
    const current = f.name.startsWith('applicant.')
      ? draft.applicant?.[f.name.slice('applicant.'.length)]
      : draft[f.name];
    const input =
      f.type === 'select'
        ? h(
            'select',
            { name: f.name, onchange: () => void save().catch(() => undefined) },
            f.options.map((o) => h('option', { value: o.value, selected: current === o.value }, o.label)),
          )
        : h('input', {
            type: f.type,
            name: f.name,
            value: current ?? '',
            autocomplete: f.autocomplete ?? 'off',
            oninput: saveSoon,
            onchange: () => void save().catch(() => undefined),
          });
    const built = field({ label: f.label, input, required: f.required });
    setters.set(f.name, built.setError);
    return built.wrap;
  });

  // The components: one upload each (or the citizen's digitized copy).
  const components = eform.documents.map((d) => {
    const have = () => draft.documents.find((x) => x.kind === d.kind);
    const status = h('p', { class: 'meta', id: `tp-${d.kind}-trang-thai`, 'aria-live': 'polite' });
    const showHave = () => {
      const doc = have();
      mount(
        status,
        doc
          ? h(
              'span',
              { class: 'done' },
              doc.reused
                ? `Dùng bản đã số hóa: ${doc.name}`
                : `Đã tải lên: ${doc.name} (${Math.ceil(doc.size / 1024)} KB)`,
            )
          : 'Chưa có tệp',
      );
    };
    showHave();
    const input = h('input', {
      type: 'file',
      name: `tp-${d.kind}`,
      accept: ACCEPT,
      onchange: async (event) => {
        const file = event.target.files?.[0];
        if (!file) return;
        mount(status, 'Đang tải lên…');
        try {
          const updated = await sendFile(
            'PUT',
            `/v1/citizen/drafts/${id}/documents/${d.kind}?name=${encodeURIComponent(file.name)}`,
            file,
          );
          draft.documents = updated.documents;
          showHave();
          built.setError('');
          await save().catch(() => undefined);
        } catch (error) {
          showHave();
          built.setError(errorText(error));
          event.target.value = '';
        }
      },
    });
    const built = field({
      label: d.name,
      input,
      required: d.required,
      hint: [d.condition ? `Khi: ${d.condition}.` : '', 'Tệp PDF, JPEG hoặc PNG.'].filter(Boolean).join(' '),
    });
    setters.set(`documents.${d.kind}`, built.setError);
    const reuse = reusable.find((r) => r.kind === d.kind);
    return h(
      'div',
      { class: 'component' },
      built.wrap,
      status,
      reuse
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary small',
              onclick: async () => {
                try {
                  const updated = await call('POST', `/v1/citizen/drafts/${id}/documents/${d.kind}/reuse`);
                  draft.documents = updated.documents;
                  showHave();
                  built.setError('');
                } catch (error) {
                  built.setError(errorText(error));
                }
              },
            },
            'Dùng bản đã số hóa trước đây',
          )
        : null,
    );
  });

  mount(
    form,
    h('fieldset', {}, h('legend', {}, 'Nơi nộp hồ sơ'), placeField.wrap),
    h('fieldset', {}, h('legend', {}, 'Thông tin người nộp hồ sơ'), inputs),
    h('fieldset', {}, h('legend', {}, 'Thành phần hồ sơ'), components),
  );

  mount(
    main,
    heading(eform.procedure.name),
    h('p', { class: 'meta' }, `Mã thủ tục ${eform.procedure.code}. Bản nháp được lưu tự động.`),
    eform.feeOnlineVnd ? h('p', {}, `Phí, lệ phí khi nộp trực tuyến: ${vnd(eform.feeOnlineVnd)}`) : null,
    form,
    saved,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'xem-lai',
          onclick: async () => {
            showErrors = true;
            const answer = await save().catch(() => undefined);
            if (answer && answer.errors.length === 0) location.hash = `#/nhap/${id}/xem-lai`;
            else {
              toast('Vui lòng sửa các mục được đánh dấu', 'error');
              const first = lastErrors[0];
              const target = first ? form.querySelector('[aria-invalid="true"]') : undefined;
              target?.focus();
            }
          },
        },
        'Xem lại hồ sơ',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: async () => {
            if (!confirm('Xóa bản nháp này và các tệp đã tải lên?')) return;
            await call('DELETE', `/v1/citizen/drafts/${id}`);
            location.hash = '#/';
          },
        },
        'Xóa bản nháp',
      ),
    ),
  );
  focusHeading();
}

export async function showReview(main, id) {
  const { draft, errors } = await call('GET', `/v1/citizen/drafts/${id}`);
  const eform = await call('GET', `/v1/citizen/procedures/${encodeURIComponent(draft.procedureCode)}/eform`);
  const place = eform.places.find(
    (p) => p.receivingUnit === draft.receivingUnit && p.competentAgency === draft.competentAgency,
  );
  const problems = h('div', { id: 'loi-nop', 'aria-live': 'assertive' });
  const showProblems = (list) =>
    mount(
      problems,
      list.length
        ? h(
            'div',
            { class: 'alert alert-error', role: 'alert' },
            h('p', {}, 'Hồ sơ chưa đủ để nộp:'),
            h(
              'ul',
              {},
              list.map((e) => h('li', {}, e.message)),
            ),
            h('a', { href: `#/nhap/${id}` }, 'Quay lại sửa'),
          )
        : null,
    );
  showProblems(errors);
  const shownValue = (f) => {
    const v = f.name.startsWith('applicant.') ? draft.applicant?.[f.name.slice(10)] : draft[f.name];
    if (f.type === 'select') return f.options.find((o) => o.value === v)?.label ?? '';
    if (f.type === 'date' && v) return civil(v);
    return v ?? '';
  };
  mount(
    main,
    heading('Xem lại hồ sơ trước khi nộp'),
    h('p', {}, eform.procedure.name),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Nơi nộp hồ sơ'),
      h('dd', {}, place?.label ?? 'Chưa chọn'),
      eform.fields.map((f) => [h('dt', {}, f.label), h('dd', {}, shownValue(f) || '—')]),
      h('dt', {}, 'Thành phần hồ sơ'),
      h(
        'dd',
        {},
        h(
          'ul',
          {},
          draft.documents.map((d) =>
            h('li', {}, `${eform.documents.find((x) => x.kind === d.kind)?.name ?? d.kind}: ${d.name}`),
          ),
        ),
      ),
      h('dt', {}, 'Phí, lệ phí'),
      h(
        'dd',
        {},
        eform.feeOnlineVnd ? `${vnd(eform.feeOnlineVnd)} (thanh toán trực tuyến sau khi nộp)` : 'Không',
      ),
    ),
    problems,
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button', href: `#/nhap/${id}` }, 'Sửa hồ sơ'),
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'nop-ho-so',
          disabled: errors.length > 0,
          onclick: async (event) => {
            event.target.disabled = true;
            try {
              const { code } = await call('POST', `/v1/citizen/drafts/${id}/submit`);
              toast(`Đã nộp hồ sơ ${code}; hồ sơ đang chờ tiếp nhận`, 'success');
              location.hash = `#/ho-so/${encodeURIComponent(code)}`;
            } catch (error) {
              event.target.disabled = false;
              if (error.fields?.length) showProblems(error.fields);
              else toast(errorText(error), 'error');
            }
          },
        },
        'Nộp hồ sơ',
      ),
    ),
  );
  focusHeading();
}
