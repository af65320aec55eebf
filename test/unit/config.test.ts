/** The configuration module: defaults, parsing, one-line errors, and the documented settings table. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadConfig,
  readSetting,
  settingNames,
  settingsTable,
  streamReplicas,
} from '../../config/configuration.js';
import {
  operationsDoc,
  settingsMarkdown,
  tableEnd,
  tableStart,
  withGeneratedTable,
} from '../../config/settings-docs.js';
import { projectRoot } from '../../infra/tools.js';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults suit the embedded stack on this machine', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      TTHC_ENV: 'development',
      TTHC_TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TTHC_TEMPORAL_NAMESPACE: 'default',
      TTHC_NATS_URL: ['nats://127.0.0.1:4222'],
      TTHC_TASK_QUEUES: 'all',
      TTHC_SERVE_DOSSIER_QUEUE: true,
      TTHC_INDICATOR_AGGREGATOR: false,
      TTHC_SHUTDOWN_GRACE_TIME: 30_000,
      TTHC_DATA_DIR: join(projectRoot, '.data'),
      TTHC_WORKFLOW_BUNDLE: join(projectRoot, 'dist', 'workflow-bundle.js'),
      TTHC_ORGANISATION: 'demo',
      TTHC_STREAM_REPLICAS: 1,
      TTHC_API_PORT: 3000,
      TTHC_TEMPORAL_PORT: 7233,
      TTHC_TEMPORAL_UI_PORT: 8233,
      TTHC_NATS_PORT: 4222,
      TTHC_LOG_LEVEL: 'info',
      TTHC_SDK_LOG_LEVEL: 'error',
    });
    expect(config.TTHC_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(config.TTHC_TOKEN_SECRET).toBeUndefined();
  });

  it('parses queues, flags, durations, URL lists and numbers; empty values count as unset', () => {
    const config = loadConfig({
      TTHC_TASK_QUEUES: ' 000.00.41.H99 , 000.01.41.H99 ',
      TTHC_SERVE_DOSSIER_QUEUE: 'false',
      TTHC_INDICATOR_AGGREGATOR: 'yes',
      TTHC_SHUTDOWN_GRACE_TIME: '1.5m',
      TTHC_NATS_URL: 'nats://nats-1:4222, nats://nats-2:4222,nats://nats-3:4222',
      TTHC_MAX_CACHED_WORKFLOWS: '0',
      TTHC_STREAM_REPLICAS: '3',
      TTHC_LOG_LEVEL: '',
      TTHC_WORKFLOW_BUNDLE: 'build/bundle.js',
    });
    expect(config.TTHC_TASK_QUEUES).toEqual(['000.00.41.H99', '000.01.41.H99']);
    expect(config.TTHC_SERVE_DOSSIER_QUEUE).toBe(false);
    expect(config.TTHC_INDICATOR_AGGREGATOR).toBe(true);
    expect(config.TTHC_SHUTDOWN_GRACE_TIME).toBe(90_000);
    expect(config.TTHC_NATS_URL).toEqual(['nats://nats-1:4222', 'nats://nats-2:4222', 'nats://nats-3:4222']);
    expect(config.TTHC_MAX_CACHED_WORKFLOWS).toBe(0);
    expect(config.TTHC_STREAM_REPLICAS).toBe(3);
    expect(config.TTHC_LOG_LEVEL).toBe('info');
    expect(config.TTHC_WORKFLOW_BUNDLE).toBe(join(projectRoot, 'build', 'bundle.js'));
    expect(loadConfig({ TTHC_TASK_QUEUES: 'none' }).TTHC_TASK_QUEUES).toEqual([]);
    expect(loadConfig({ TTHC_SHUTDOWN_GRACE_TIME: '2500' }).TTHC_SHUTDOWN_GRACE_TIME).toBe(2_500);
    expect(loadConfig({ TTHC_SHUTDOWN_GRACE_TIME: '500ms' }).TTHC_SHUTDOWN_GRACE_TIME).toBe(500);
  });

  it('reports every bad variable by name on one line, with the value it got', () => {
    const error = configError({
      TTHC_METRICS_PORT: 'abc',
      TTHC_HEALTH_PORT: '70000',
      TTHC_SERVE_DOSSIER_QUEUE: 'maybe',
      TTHC_SHUTDOWN_GRACE_TIME: 'soon',
      TTHC_NATS_URL: 'http://nats:4222',
      TTHC_TEMPORAL_ADDRESS: 'temporal',
      TTHC_MAX_CONCURRENT_WORKFLOW_TASKS: '1',
      TTHC_LOG_LEVEL: 'loud',
      TTHC_TASK_QUEUES: '000.00.41.H99,000.99.99.H99',
    });
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^invalid configuration: /);
    expect(error.variables.sort()).toEqual(
      [
        'TTHC_HEALTH_PORT',
        'TTHC_LOG_LEVEL',
        'TTHC_MAX_CONCURRENT_WORKFLOW_TASKS',
        'TTHC_METRICS_PORT',
        'TTHC_NATS_URL',
        'TTHC_SERVE_DOSSIER_QUEUE',
        'TTHC_SHUTDOWN_GRACE_TIME',
        'TTHC_TASK_QUEUES',
        'TTHC_TEMPORAL_ADDRESS',
      ].sort(),
    );
    expect(error.message).toContain('TTHC_METRICS_PORT must be a port number (got "abc")');
    expect(error.message).toContain('TTHC_HEALTH_PORT must be a port number from 1 to 65535 (got "70000")');
    expect(error.message).toContain('not in organisation "demo": 000.99.99.H99');

    const withSecret = configError({ TTHC_TOKEN_SECRET: 's3cr3t-value', TTHC_API_PORT: 'x' });
    expect(withSecret.variables).toEqual(['TTHC_API_PORT']);
    expect(withSecret.message).not.toContain('s3cr3t-value');
    const badOrganisation = configError({ TTHC_ORGANISATION: 'nowhere' });
    expect(badOrganisation.variables).toEqual(['TTHC_ORGANISATION']);
    expect(badOrganisation.message).toContain('TTHC_ORGANISATION names no loadable organisation');
  });

  it('reads one setting without requiring the others to be valid', () => {
    expect(streamReplicas({ TTHC_STREAM_REPLICAS: '3', TTHC_METRICS_PORT: 'abc' })).toBe(3);
    expect(streamReplicas({})).toBe(1);
    expect(() => streamReplicas({ TTHC_STREAM_REPLICAS: '0' })).toThrow(
      'invalid configuration: TTHC_STREAM_REPLICAS must be ≥ 1 (got "0")',
    );
    expect(readSetting('TTHC_NATS_URL', { TTHC_NATS_URL: 'nats://a:4222,nats://b:4222' })).toHaveLength(2);
  });
});

describe('the settings table', () => {
  it('lists every setting once, with a default and a meaning', () => {
    expect(new Set(settingNames).size).toBe(settingNames.length);
    for (const row of settingsTable) {
      expect(row.name).toMatch(/^TTHC_[A-Z0-9_]+$/);
      expect(row.default.length, row.name).toBeGreaterThan(0);
      expect(row.description.length, row.name).toBeGreaterThan(10);
    }
  });

  it('docs/operations.md shows the current generated table (node --import tsx config/settings-docs.ts)', () => {
    const document = readFileSync(operationsDoc, 'utf8');
    expect(document).toContain(tableStart);
    expect(document).toContain(tableEnd);
    expect(withGeneratedTable(document)).toBe(document);
    for (const name of settingNames) expect(document).toContain(`| \`${name}\` |`);
    expect(settingsMarkdown().split('\n')).toHaveLength(settingNames.length + 2);
  });

  it('every TTHC_* variable the code reads is a documented setting', () => {
    const read = new Set<string>();
    const pattern = /(?:process\.env|\benv)(?:\.|\[['"])(TTHC_[A-Z0-9_]+)/g;
    for (const file of sourceFiles(projectRoot)) {
      for (const [, name] of readFileSync(file, 'utf8').matchAll(pattern)) read.add(name ?? '');
    }
    // infra/tools.ts names its overrides in a table rather than as process.env.X.
    for (const [, name] of readFileSync(join(projectRoot, 'infra/tools.ts'), 'utf8').matchAll(
      /'(TTHC_[A-Z_]+)'/g,
    )) {
      read.add(name ?? '');
    }
    expect(read.size).toBeGreaterThan(5);
    const known = new Set<string>(settingNames);
    expect([...read].filter((name) => !known.has(name))).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  const skip = new Set(['node_modules', '.tools', '.data', 'dist', '.git', 'fixtures', 'coverage']);
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (skip.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (
      /\.(ts|mts|mjs|js)$/.test(entry) &&
      !relative(projectRoot, path).startsWith('test/unit/config')
    ) {
      files.push(path);
    }
  }
  return files;
}
