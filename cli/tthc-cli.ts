/** Entry point of the `tthc` command line. */
import { Command, CommanderError } from 'commander';
import { registerCalendarCommands } from './calendar-command.js';
import { registerCatalogueCommands } from './catalogue-command.js';
import { registerIndicatorCommands } from './indicators-command.js';
import { exitCodes, fail } from './output.js';

const program = new Command('tthc')
  .description('tthc-flow: dossier processing for Vietnamese administrative procedures')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerCalendarCommands(program);
registerCatalogueCommands(program);
registerIndicatorCommands(program);
(await import('./publications-command.js')).registerPublicationCommands(program);
(await import('./token-command.js')).registerTokenCommands(program);
(await import('./keys-command.js')).registerKeysCommands(program);
(await import('./dossier/dossier-commands.js')).registerDossierCommands(program);
(await import('./audit-command.js')).registerAuditCommand(program);
(await import('./erase-command.js')).registerEraseCommand(program);
(await import('./login-command.js')).registerLoginCommands(program);
(await import('./roles-command.js')).registerRolesCommands(program);
(await import('./portal-command.js')).registerPortalCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? exitCodes.ok : exitCodes.usage);
  }
  fail(error);
}
