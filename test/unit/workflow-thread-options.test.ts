/** The command-line options TemporalWorker's workflow threads keep (workers/temporal-worker.ts). */
import { describe, expect, it } from 'vitest';
import { profilingOptions } from '../../workers/temporal-worker.js';

describe('profilingOptions', () => {
  it('keeps only the options that profile threads, with their values', () => {
    expect(
      profilingOptions([
        '--import',
        'tsx',
        '--expose-gc',
        '--max-semi-space-size=64',
        '--cpu-prof',
        '--cpu-prof-dir',
        '/tmp/profiles',
        '--heap-prof-interval=512',
        '--enable-source-maps',
      ]),
    ).toEqual(['--cpu-prof', '--cpu-prof-dir', '/tmp/profiles', '--heap-prof-interval=512']);
  });

  it('keeps nothing of a process started with preloads and V8 options only', () => {
    expect(profilingOptions(['--import', 'tsx', '--max-semi-space-size=64'])).toEqual([]);
  });
});
