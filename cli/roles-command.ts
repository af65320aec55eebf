/**
 * `tthc roles …`: the role-assignment table over the HTTP API (administrators):
 *   tthc roles list                                                  every official's latest assignment
 *   tthc roles show <official-id>                                    the current one and its history
 *   tthc roles assign <official-id> --role R --unit U --reason T [--from ISO] [--name N]
 *   tthc roles revoke <official-id> --reason T
 * Connection flags, exit codes and one-line errors as `tthc dossier …`.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { type Role, roleNames } from '../domain/actor.js';
import { unitCodeSchema } from '../domain/unit-code.js';
import {
  type ConnectionOptions,
  connectionOf,
  run,
  withConnection,
} from './dossier/dossier-command-support.js';
import { apiRequest, exitCodesHelp } from './http.js';
import { print, UsageError } from './output.js';

interface Assignment {
  officialId: string;
  name?: string;
  role: Role;
  unit: string;
  from: string;
  revoked?: boolean;
  reason: string;
  changedBy: { id: string; name: string };
  changedAt: string;
}

const officialId = z.string().regex(/^[\x21-\x7E]{1,128}$/, 'must be 1–128 visible ASCII characters');
const roles = ['counter-officer', 'specialist', 'leader', 'supervisor', 'administrator'] as const;

function checked<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${flag} "${String(value)}" ${result.error.issues[0]?.message}`);
  return result.data;
}

const vnTime = (iso: string) => new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });

function line(a: Assignment): string {
  const state = a.revoked
    ? 'đã thu hồi'
    : `${roleNames[a.role] ?? a.role} tại ${a.unit} từ ${vnTime(a.from)}`;
  return `${a.officialId}${a.name ? ` (${a.name})` : ''}: ${state} — ${a.reason}; ${a.changedBy.name} ghi lúc ${vnTime(a.changedAt)}`;
}

export function registerRolesCommands(program: Command): void {
  const roles_ = program
    .command('roles')
    .description('the role-assignment table: who holds which role at which unit, from when (administrators)')
    .addHelpText('after', `\n${exitCodesHelp}`);

  withConnection(roles_.command('list').description('every official’s latest role assignment')).action(
    run(async (options: ConnectionOptions) => {
      const { body } = await apiRequest<{ assignments: Assignment[] }>(
        connectionOf(options),
        'GET',
        '/v1/role-assignments',
      );
      print(options, body, () =>
        body.assignments.length ? body.assignments.map(line).join('\n') : 'Chưa có phân quyền nào.',
      );
    }),
  );

  withConnection(
    roles_.command('show <official-id>').description('an official’s assignment and its history'),
  ).action(
    run(async (id: string, options: ConnectionOptions) => {
      const official = checked(officialId, id, '<official-id>');
      const { body } = await apiRequest<{ current?: Assignment; history: Assignment[] }>(
        connectionOf(options),
        'GET',
        `/v1/role-assignments/${encodeURIComponent(official)}`,
      );
      print(options, body, () =>
        [
          body.current ? `Hiện tại: ${line(body.current)}` : 'Hiện không giữ vai trò nào.',
          'Lịch sử:',
          ...body.history.map((a) => `  ${line(a)}`),
        ].join('\n'),
      );
    }),
  );

  withConnection(
    roles_
      .command('assign <official-id>')
      .description('assigns a role at a unit (replaces the current assignment)')
      .requiredOption('--role <role>', roles.join(', '))
      .requiredOption('--unit <code>', 'the unit code, e.g. 000.00.41.H99')
      .requiredOption('--reason <text>', 'why, e.g. the decision number')
      .option('--from <instant>', 'when it takes effect (ISO 8601 with an offset; default now)')
      .option('--name <text>', 'the official’s full name'),
  ).action(
    run(
      async (
        id: string,
        options: ConnectionOptions & {
          role: string;
          unit: string;
          reason: string;
          from?: string;
          name?: string;
        },
      ) => {
        const official = checked(officialId, id, '<official-id>');
        const role = checked(z.enum(roles, `must be one of ${roles.join(', ')}`), options.role, '--role');
        const unit = checked(unitCodeSchema, options.unit, '--unit');
        const from =
          options.from === undefined
            ? undefined
            : checked(
                z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant with an offset' }),
                options.from,
                '--from',
              );
        const reason = checked(
          z.string().trim().min(1, 'must not be empty').max(500),
          options.reason,
          '--reason',
        );
        const { body } = await apiRequest<{ assignment: Assignment; previous?: Assignment }>(
          connectionOf(options),
          'PUT',
          `/v1/role-assignments/${encodeURIComponent(official)}`,
          { body: { role, unit, reason, from, name: options.name } },
        );
        print(options, body, () => `Đã gán: ${line(body.assignment)}`);
      },
    ),
  );

  withConnection(
    roles_
      .command('revoke <official-id>')
      .description('revokes an official’s assigned role')
      .requiredOption('--reason <text>', 'why'),
  ).action(
    run(async (id: string, options: ConnectionOptions & { reason: string }) => {
      const official = checked(officialId, id, '<official-id>');
      const reason = checked(
        z.string().trim().min(1, 'must not be empty').max(500),
        options.reason,
        '--reason',
      );
      const { body } = await apiRequest<{ assignment: Assignment }>(
        connectionOf(options),
        'POST',
        `/v1/role-assignments/${encodeURIComponent(official)}/revocation`,
        { body: { reason } },
      );
      print(options, body, () => `Đã thu hồi vai trò của ${body.assignment.officialId}`);
    }),
  );
}
