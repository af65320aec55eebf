/** `tthc catalogue upcoming`: the procedure versions not yet in force, with what each changes (issue #21 item 2). */
import type { Command } from 'commander';
import { describeChanges, upcomingVersions } from '../domain/catalogue-changes.js';
import { formatVietnameseDate, isCivilDate, toCivilDate } from '../domain/time.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { print, UsageError } from './output.js';

export function registerCatalogueCommands(program: Command): void {
  const catalogue = program
    .command('catalogue')
    .description('procedure catalogue (danh mục thủ tục hành chính)');
  catalogue
    .command('upcoming')
    .description('versions of procedures that take effect after a date, and what they change')
    .option('--at <date>', 'the date, YYYY-MM-DD (default today in Vietnam)')
    .option('--json', 'print JSON instead of lines of text')
    .action((options: { at?: string; json?: boolean }) => {
      const at = options.at ?? toCivilDate(Date.now());
      if (!isCivilDate(at)) throw new UsageError(`--at "${at}" must be a real date in the form YYYY-MM-DD`);
      const upcoming = upcomingVersions(loadCatalogue().procedures, at);
      print(options, { at, upcoming }, () => {
        if (upcoming.length === 0)
          return `Không có thủ tục nào thay đổi sau ngày ${formatVietnameseDate(at)}`;
        return upcoming
          .map((version) =>
            [
              `${version.code} ${version.name}: phiên bản ${version.version} áp dụng cho hồ sơ tiếp nhận từ ${formatVietnameseDate(version.effectiveFrom)}` +
                (version.replaces ? ` (thay phiên bản ${version.replaces.version})` : ' (thủ tục mới)'),
              ...describeChanges(version.changes).map((line) => `  - ${line}`),
              `  Căn cứ: ${version.legalBasis.join('; ')}`,
            ].join('\n'),
          )
          .join('\n');
      });
    });
}
