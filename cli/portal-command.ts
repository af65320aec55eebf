/**
 * `tthc portal status [--json]`: where the sync to the national portal stands (read from NATS):
 * events waiting and the age of the oldest, dossiers and updates the portal acknowledged, dossiers
 * held back by a refusal with the portal's reason, the recent lag. The same figures as the
 * service's metrics.
 * `tthc portal resend [--dossier <code>] [--json]`: asks the running portal-sync service to send a
 * refused dossier's updates again, in order (every refused dossier without --dossier); exit 1 when
 * the portal still refuses one.
 */
import { NoRespondersError, RequestError } from '@nats-io/transport-node';
import type { Command } from 'commander';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import { portalResendSubject } from '../events/subjects.js';
import {
  type PortalResendReply,
  portalResendReplySchema,
  portalResendRequestSchema,
} from '../portal/portal-sync-service.js';
import { type PortalSyncStatus, portalSyncStatus } from '../portal/portal-sync-status.js';
import { dayAndTime } from './dossier/dossier-formatting.js';
import { withNats } from './indicator-command-support.js';
import { print, UsageError } from './output.js';

interface PortalOptions {
  nats: string;
  json?: boolean;
}

export function registerPortalCommands(program: Command): void {
  const portal = program
    .command('portal')
    .description('the sync of every dossier to the national portal (Cổng DVCQG)')
    .option('--nats <url>', 'NATS server', process.env.TTHC_NATS_URL ?? 'nats://127.0.0.1:4222')
    .option('--json', 'print JSON');

  portal
    .command('status')
    .description('events waiting, dossiers synced and refused, the lag')
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<PortalOptions>();
      const status = await withNats(options.nats, (nc) => portalSyncStatus(nc));
      print(options, status, () => statusText(status));
    });

  portal
    .command('resend')
    .description(
      'send a refused dossier’s updates again, in order, after the fix (every refused dossier without --dossier)',
    )
    .option('--dossier <code>', 'the dossier code, e.g. 000.01.41.H99-260423-0007')
    .action(async (local: { dossier?: string }, command: Command) => {
      const options = command.optsWithGlobals<PortalOptions>();
      const request = portalResendRequestSchema.parse({ dossierCode: checkDossierCode(local.dossier) });
      const reply = await withNats(options.nats, async (nc) => {
        try {
          const answer = await nc.request(portalResendSubject, JSON.stringify(request), { timeout: 120_000 });
          return portalResendReplySchema.parse(answer.json());
        } catch (error) {
          if (error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders()))
            throw new Error(
              'no portal-sync service is running (npm start, or a worker process with TTHC_PORTAL_SYNC=true); the refused updates wait in the dead letters',
            );
          throw error;
        }
      });
      if (reply.error) throw new Error(reply.error);
      print(options, reply, () => resendText(reply));
      if (reply.dossiers.some((d) => !d.synced && d.refusal)) process.exitCode = 1;
    });
}

function checkDossierCode(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (!dossierCodeSchema.safeParse(code).success)
    throw new UsageError(`--dossier "${code}" is not a dossier code <unit code>-YYMMDD-XXXX`);
  return code;
}

function seconds(value: number): string {
  return value < 10 ? value.toFixed(1).replace('.', ',') : String(Math.round(value));
}

function statusText(status: PortalSyncStatus): string {
  const lines = [
    `Đồng bộ lên Cổng Dịch vụ công quốc gia: ${status.synced.dossiers} hồ sơ đã được Cổng xác nhận (${status.synced.updates} cập nhật), ` +
      `${status.pending} cập nhật đang chờ gửi, ${status.failed.dossiers} hồ sơ bị Cổng từ chối.`,
    `Độ trễ hiện tại: ${seconds(status.oldestPendingSeconds)} giây` +
      (status.recentLagMs ? `; gần đây p99 ${seconds(status.recentLagMs.p99 / 1000)} giây` : '') +
      (status.synced.lastAckAt ? `; Cổng xác nhận lần cuối lúc ${dayAndTime(status.synced.lastAckAt)}` : '') +
      '.',
  ];
  if (status.failed.list.length > 0) {
    lines.push('Hồ sơ bị từ chối (gửi lại sau khi sửa: npx tthc portal resend --dossier <mã>):');
    for (const { dossierCode, refusal } of status.failed.list)
      lines.push(
        `  ${dossierCode}  cập nhật ${refusal.seq}, mã ${refusal.code}: ${refusal.reason} (${dayAndTime(refusal.at)})`,
      );
  }
  return lines.join('\n');
}

function resendText(reply: PortalResendReply): string {
  if (reply.dossiers.length === 0) return 'Không có hồ sơ nào bị Cổng từ chối.';
  return reply.dossiers
    .map((d) => {
      if (d.refusal)
        return `Hồ sơ ${d.dossierCode}: Cổng vẫn từ chối cập nhật ${d.refusal.seq} (mã ${d.refusal.code}: ${d.refusal.reason}).`;
      if (d.sent === 0) return `Hồ sơ ${d.dossierCode} không có cập nhật nào bị Cổng từ chối.`;
      return `Đã gửi lại ${d.sent} cập nhật của hồ sơ ${d.dossierCode}; Cổng đã nhận.`;
    })
    .join('\n');
}
