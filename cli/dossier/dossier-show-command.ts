/** `tthc dossier show`: the state of a dossier (GET /v1/dossiers/{code}). */
import type { Command } from 'commander';
import type { DossierView } from '../../contract/dossier-contract.js';
import { roleNames } from '../../domain/actor.js';
import type { ActionAvailability } from '../../domain/dossier/dossier-checks.js';
import { stepNames } from '../../domain/dossier/dossier-labels.js';
import { statusNames } from '../../domain/dossier/dossier-status.js';
import type { DeadlineViews } from '../../domain/dossier/dossier-views.js';
import { formatVietnameseDate } from '../../domain/time.js';
import { apiRequest, exitCodesHelp } from '../http.js';
import { print } from '../output.js';
import { type ConnectionOptions, connectionOf, run, withConnection } from './dossier-command-support.js';
import {
  dateTime,
  describeForms,
  fieldLines,
  instantText,
  longDate,
  statusLabel,
  table,
  timeOf,
} from './dossier-formatting.js';

/**
 * What the API answers: the dossier's view, and, from an API that lists them, the actions with
 * whether the signed-in official may take each now.
 */
export type ShownDossier = DossierView & { actions?: Array<ActionAvailability & { title: string }> };
type DossierState = DossierView['state'];

function describeDecreeDeadline(deadlines: DeadlineViews): string | undefined {
  const { decree } = deadlines;
  if (decree)
    return `${longDate(decree.dueDate)}${timeOf(decree.dueAt)}${decree.paused ? ' (đang tạm dừng)' : ''}`;
  return deadlines.paused ? 'đang tạm dừng chờ bổ sung' : undefined;
}

function describe766Deadline({ decision766 }: DeadlineViews): string | undefined {
  if (!decision766) return undefined;
  const verdict = decision766.onTimeSoFar
    ? 'đúng hạn đến nay'
    : `trễ hạn (${decision766.lateReason ?? 'quá hạn'})`;
  return `${formatVietnameseDate(decision766.dueDate)} — ${verdict}`;
}

function describePauses({ pauses }: DeadlineViews): string {
  if (pauses.length === 0) return 'không';
  return pauses.map((p) => `${dateTime(p.from)} → ${p.to ? dateTime(p.to) : 'đang tạm dừng'}`).join('; ');
}

function describeApology(state: DossierState): string {
  const { apology } = state;
  if (apology) {
    return `${apology.reason}; hẹn lại ${formatVietnameseDate(apology.newDueDate)} (trước đó ${formatVietnameseDate(apology.previousDueDate)}), ${instantText(apology.at)}`;
  }
  if (state.apologyRequiredSince !== undefined) {
    return `cần xin lỗi và hẹn lại (từ ${instantText(state.apologyRequiredSince)})`;
  }
  return 'không';
}

function describeHolder({ holder }: DossierState): string | undefined {
  if (!holder) return undefined;
  return `${holder.unit}${holder.official ? ` — ${holder.official.name} (${holder.official.id})` : ''}`;
}

/** 'Title (name); …' of the actions allowed now; undefined when the API does not list them. */
function describeAllowedActions(actions: ShownDossier['actions']): string | undefined {
  if (!actions) return undefined;
  const allowed = actions.filter((action) => action.allowed);
  return allowed.length === 0
    ? 'không'
    : allowed.map((action) => `${action.title} (${action.name})`).join('; ');
}

function describeHistory(history: DossierState['history']): string {
  return table(
    ['Thời gian', 'Thao tác', 'Người thực hiện', 'Trạng thái'],
    history.map((h) => [
      dateTime(h.at),
      h.action,
      h.actor ? `${h.actor.name} (${roleNames[h.actor.role] ?? h.actor.role}, ${h.actor.unit})` : 'hệ thống',
      statusNames[h.status] ?? h.status,
    ]),
  );
}

export function describeDossier(view: ShownDossier): string {
  const { state, deadlines } = view;
  const header = fieldLines([
    ['Hồ sơ', state.code],
    ['Thủ tục', `${state.procedure.code} ${state.procedure.name}`],
    ['Tiếp nhận tại', state.application.receivingUnit],
    ['Cơ quan giải quyết', state.application.competentAgency],
    ['Trạng thái', `${statusLabel(state.status, view.statusName)}${view.ended ? ', đã kết thúc' : ''}`],
    ['Bước', state.step ? `${stepNames[state.step] ?? state.step} (${state.step})` : undefined],
    ['Đang giữ', describeHolder(state)],
    ['Hạn trả (NĐ 61)', describeDecreeDeadline(deadlines)],
    ['Hạn theo QĐ 766', describe766Deadline(deadlines)],
    ['Tạm dừng', describePauses(deadlines)],
    ['Xin lỗi, hẹn lại', describeApology(state)],
    ['Quá hạn từ', instantText(state.overdueSince)],
    [
      'Kết quả',
      state.result
        ? `${state.result.kind}, ký bởi ${state.result.signedBy}: ${state.result.link}`
        : undefined,
    ],
    ['Lý do kết thúc', state.endReason],
    ['Phiếu', describeForms(Object.keys(view.forms))],
    ['Thao tác được phép', describeAllowedActions(view.actions)],
  ]);
  return `${header}\n\nLịch sử:\n${describeHistory(state.history).replace(/^/gm, '  ')}`;
}

export function registerShowCommand(dossier: Command): void {
  withConnection(
    dossier
      .command('show <code>')
      .description('status, step, holder, deadlines, pauses, apology and history of a dossier')
      .addHelpText('after', `\n${exitCodesHelp}`),
  ).action(
    run(async (code: string, options: ConnectionOptions) => {
      const connection = connectionOf(options);
      const { body: view } = await apiRequest<ShownDossier>(
        connection,
        'GET',
        `/v1/dossiers/${encodeURIComponent(code)}`,
      );
      print(options, view, () => describeDossier(view));
    }),
  );
}
