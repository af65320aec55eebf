/**
 * `tthc token …`: access tokens for officials of the HTTP API, signed with TTHC_TOKEN_SECRET.
 *   tthc token issue --id <id> --name <name> --unit <code> --role <role> [--ttl 8h] [--json]
 *   tthc token verify <token> [--json]
 */
import type { Command } from 'commander';
import {
  checkSecret,
  issueToken,
  type OfficialRole,
  officialRoles,
  tokenClaimsSchema,
  ttlSeconds,
  verifyToken,
} from '../api/auth.js';
import { readSetting } from '../config/configuration.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { print, UsageError } from './output.js';

interface IssueOptions {
  id: string;
  name: string;
  unit: string;
  role: string;
  ttl: string;
  organisation?: string;
  json?: boolean;
}

function secret(): string {
  return checkSecret(readSetting('TTHC_TOKEN_SECRET'));
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('access tokens of officials for the HTTP API');

  token
    .command('issue')
    .description('issue a signed token naming an official (signed with TTHC_TOKEN_SECRET)')
    .requiredOption('--id <id>', 'the official’s id, e.g. can-bo-01')
    .requiredOption('--name <name>', 'the official’s name, e.g. "Nguyễn Thị Thu"')
    .requiredOption('--unit <code>', 'unit code of the official, e.g. 000.01.41.H99')
    .requiredOption('--role <role>', `one of ${officialRoles.join(', ')}`)
    .option('--ttl <duration>', 'lifetime: 30m, 8h, 7d (at most 30d)', '8h')
    .option('--organisation <name>', 'organisation registry (default: TTHC_ORGANISATION or demo)')
    .option('--json', 'print JSON (token, expiry, claims) instead of the bare token')
    .action(async (options: IssueOptions) => {
      if (!(officialRoles as readonly string[]).includes(options.role)) {
        throw new UsageError(`--role "${options.role}" must be one of ${officialRoles.join(', ')}`);
      }
      const organisationName = options.organisation ?? readSetting('TTHC_ORGANISATION');
      const claims = {
        sub: options.id,
        name: options.name,
        unit: options.unit,
        role: options.role as OfficialRole,
      };
      const parsed = tokenClaimsSchema.safeParse(claims);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const option = { sub: '--id', name: '--name', unit: '--unit', role: '--role' }[
          String(first?.path[0])
        ];
        throw new UsageError(`${option ?? 'token'} ${first?.message}`);
      }
      if (!loadOrganisation(organisationName).has(options.unit)) {
        throw new UsageError(
          `--unit "${options.unit}" is not a unit of the organisation "${organisationName}"`,
        );
      }
      try {
        ttlSeconds(options.ttl);
      } catch (error) {
        throw new UsageError(`--ttl ${(error as Error).message.replace(/^ttl /, '')}`);
      }
      const issued = await issueToken(secret(), parsed.data, options.ttl);
      print(
        options,
        {
          token: issued.token,
          expiresAt: issued.expiresAt,
          official: {
            id: parsed.data.sub,
            name: parsed.data.name,
            unit: parsed.data.unit,
            role: parsed.data.role,
          },
        },
        () => issued.token,
      );
    });

  token
    .command('verify <token>')
    .description('check a token: the official it names, or why it is refused')
    .option('--json', 'print JSON')
    .action(async (text: string, options: { json?: boolean }) => {
      const official = await verifyToken(secret(), text);
      print(
        options,
        official,
        () => `${official.name} (${official.id}), ${official.role} tại ${official.unit}`,
      );
    });
}
