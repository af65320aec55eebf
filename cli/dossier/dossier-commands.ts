/**
 * `tthc dossier …`: the dossier operations of the HTTP API for people at a terminal. Every command
 * calls the API (so the official's token decides what they may do, exactly as over HTTP):
 *   tthc dossier receive  --file application.json | --procedure … --applicant-name … …
 *   tthc dossier show     <code>
 *   tthc dossier act      <code> <action> [--payload '{…}' | --payload-file f.json] [--reason …] [--note …]
 *   tthc dossier list     [--unit …] [--agency …] [--procedure …] [--status …] [--overdue] … [--all]
 *   tthc dossier form     <code> <form>
 * A table or a few lines for people by default, JSON with --json; one-line `tthc: …` errors with
 * the API's reason; exit codes in cli/http.ts (`apiExitCodes`). One module per sub-command.
 */
import type { Command } from 'commander';
import { DEFAULT_API_URL, exitCodesHelp } from '../http.js';
import { registerActCommand } from './dossier-act-command.js';
import { registerFormCommand } from './dossier-form-command.js';
import { registerListCommand } from './dossier-list-command.js';
import { registerReceiveCommand } from './dossier-receive-command.js';
import { registerShowCommand } from './dossier-show-command.js';

export function registerDossierCommands(program: Command): void {
  const dossier = program
    .command('dossier')
    .description('dossiers through the HTTP API: receive, show, act, list, forms (hồ sơ)')
    .addHelpText(
      'after',
      `
Every command calls the API at --api (TTHC_API_URL, default ${DEFAULT_API_URL}) with the official's
token --token (TTHC_TOKEN; from \`tthc token issue\`): the API decides what the official may do.

${exitCodesHelp}`,
    );
  // In this order in `tthc dossier --help`.
  registerReceiveCommand(dossier);
  registerShowCommand(dossier);
  registerActCommand(dossier);
  registerListCommand(dossier);
  registerFormCommand(dossier);
}
