/**
 * `tthc keys …`: the encryption keyring (docs/operations.md, "Personal data").
 *   tthc keys init [--json] [--file F]     create the keyring (mode 0600) if there is none; idempotent
 *   tthc keys list [--json] [--file F]     the keys, which one is active; never the key material
 *   tthc keys rotate [--json] [--file F]   a new active key; the older ones stay for decryption
 * Running processes pick the new key up within their refresh interval (10 s), without a restart.
 */
import type { Command } from 'commander';
import { keyringSettings } from '../config/configuration.js';
import { formatInstant } from '../domain/time.js';
import {
  type EncryptionKeyring,
  KeyringFile,
  KeyringVariable,
  keyringSource,
} from '../encryption/encryption-keyring.js';
import { print, UsageError } from './output.js';

interface KeysOptions {
  json?: boolean;
  file?: string;
}

export function registerKeysCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description('the encryption keyring of personal data (TTHC_KEYRING_FILE, default .data/keyring.json)');

  keys
    .command('init')
    .description('create the keyring file (mode 0600) if there is none; an existing one is kept as it is')
    .option(
      '--file <path>',
      'the keyring file (default TTHC_KEYRING_FILE, else <TTHC_DATA_DIR>/keyring.json)',
    )
    .option('--json', 'print JSON')
    .action(async (options: KeysOptions) => {
      const keyring = source(options);
      if (keyring instanceof KeyringVariable) {
        const ring = await keyring.load();
        print(
          options,
          { created: false, active: ring.activeId, source: 'TTHC_KEYRING' },
          () => 'TTHC_KEYRING is set and holds a valid keyring; no file is written',
        );
        return;
      }
      const { ring, created } = await keyring.loadOrCreate();
      print(options, { created, active: ring.activeId, file: keyring.path }, () =>
        created
          ? `Đã tạo vòng khóa mã hóa ${keyring.path} (quyền 0600). Hãy sao lưu tệp này riêng.\n(keyring created; back it up apart from the data)`
          : `Vòng khóa ${keyring.path} đã có; giữ nguyên. (keyring exists; kept as it is)`,
      );
    });

  keys
    .command('list')
    .description('the keys of the ring and which one encrypts new data (never the key material)')
    .option(
      '--file <path>',
      'the keyring file (default TTHC_KEYRING_FILE, else <TTHC_DATA_DIR>/keyring.json)',
    )
    .option('--json', 'print JSON')
    .action(async (options: KeysOptions) => {
      const ring = await source(options).load();
      const listed = ring.describe();
      print(options, { active: ring.activeId, keys: listed }, () => describe(ring));
    });

  keys
    .command('rotate')
    .description('add a new key and make it active; older keys stay for decryption')
    .option(
      '--file <path>',
      'the keyring file (default TTHC_KEYRING_FILE, else <TTHC_DATA_DIR>/keyring.json)',
    )
    .option('--json', 'print JSON')
    .action(async (options: KeysOptions) => {
      const file = source(options);
      if (file instanceof KeyringVariable) {
        throw new UsageError(
          'TTHC_KEYRING is set: the keyring comes from that variable; rotate it where the variable is kept (or pass --file)',
        );
      }
      const rotated = (await file.load()).rotated();
      await file.save(rotated);
      print(options, { active: rotated.activeId, keys: rotated.describe(), file: file.path }, () =>
        [
          `Đã tạo khóa mới ${rotated.activeId} và dùng nó để mã hóa dữ liệu mới; các khóa cũ giữ lại để giải mã.`,
          `(new active key ${rotated.activeId} in ${file.path}; running processes take it within 10 s)`,
        ].join('\n'),
      );
    });
}

function source(options: KeysOptions): KeyringFile | KeyringVariable {
  return options.file ? new KeyringFile(options.file) : keyringSource(keyringSettings());
}

function describe(ring: EncryptionKeyring): string {
  return ring
    .describe()
    .map(
      (key) =>
        `${key.active ? '*' : ' '} ${key.id}  tạo lúc ${formatInstant(Date.parse(key.createdAt))}${key.active ? '  (đang dùng)' : ''}`,
    )
    .join('\n');
}
