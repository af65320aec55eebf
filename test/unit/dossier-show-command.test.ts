/**
 * `tthc dossier show` as text (cli/dossier/dossier-show-command.ts), from a view as the API sends
 * it: the actions the official may take now when the API lists them, nothing when it does not.
 */
import { describe, expect, it } from 'vitest';
import { describeDossier, type ShownDossier } from '../../cli/dossier/dossier-show-command.js';
import { parseInstant } from '../../domain/time.js';

function view(extra: Partial<ShownDossier> = {}, state: Record<string, unknown> = {}): ShownDossier {
  return {
    state: {
      code: '000.01.41.H99-260423-0001',
      status: 'DANG_XU_LY',
      step: 'approve',
      holder: { unit: '000.00.41.H99' },
      procedure: { code: '1.001612', name: 'Đăng ký thành lập hộ kinh doanh' },
      application: { receivingUnit: '000.01.41.H99', competentAgency: '000.00.41.H99' },
      history: [],
      ...state,
    },
    statusName: 'Đang xử lý',
    deadlines: { paused: false, pauses: [], rescheduled: false },
    forms: {},
    interAgencyWorkflows: [],
    eventSeq: 3,
    ended: false,
    ...extra,
  } as unknown as ShownDossier;
}

describe('tthc dossier show', () => {
  it('names the step as the domain does', () => {
    expect(describeDossier(view())).toMatch(/^Bước: +Chờ phê duyệt \(approve\)$/m);
  });

  it('lists the actions allowed now, by title, when the API sends them', () => {
    const text = describeDossier(
      view({
        actions: [
          { name: 'approve', title: 'Phê duyệt', allowed: true },
          { name: 'refuse', title: 'Từ chối giải quyết', allowed: true },
          { name: 'assign', title: 'Phân công', allowed: false, code: 'ILLEGAL_STATE', reason: '…' },
        ],
      }),
    );
    expect(text).toMatch(/^Thao tác được phép: +Phê duyệt \(approve\); Từ chối giải quyết \(refuse\)$/m);
    expect(text).not.toContain('Phân công');
  });

  it('says none are allowed, and prints no line when the API does not list them', () => {
    expect(describeDossier(view({ actions: [] }))).toMatch(/^Thao tác được phép: +không$/m);
    expect(describeDossier(view())).not.toContain('Thao tác được phép');
  });

  it('prints the time of an apology in Vietnam time', () => {
    const apology = {
      at: parseInstant('2026-05-04T09:30:00+07:00'),
      reason: 'Cần xác minh thêm',
      previousDueDate: '2026-05-05',
      newDueDate: '2026-05-08',
      by: 'lanh-dao-1',
      late: false,
    };
    expect(describeDossier(view({}, { apology }))).toMatch(
      /^Xin lỗi, hẹn lại: +Cần xác minh thêm; hẹn lại 08\/05\/2026 \(trước đó 05\/05\/2026\), 09:30 04\/05\/2026$/m,
    );
  });
});
