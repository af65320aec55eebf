/** test/support/test-logging.ts: test loggers write through the console, which vitest prints for failing tests only. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSetting } from '../../config/configuration.js';
import { testLogger } from '../support/test-logging.js';

describe('test loggers', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('write JSON lines to console.error at their level and above, personal data redacted', () => {
    const written = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const logger = testLogger('unit', 'warn');
    logger.info('not written');
    logger.warn({ idNumber: '079123456789' }, 'written');
    expect(written).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(written.mock.calls[0]?.[0]));
    expect(line).toMatchObject({ name: 'unit', msg: 'written', idNumber: '[redacted]' });
  });

  it('take their level from TTHC_TEST_LOG_LEVEL: warn when unset, an error naming it when unknown', () => {
    expect(readSetting('TTHC_TEST_LOG_LEVEL', {})).toBe('warn');
    expect(readSetting('TTHC_TEST_LOG_LEVEL', { TTHC_TEST_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(() => readSetting('TTHC_TEST_LOG_LEVEL', { TTHC_TEST_LOG_LEVEL: 'loud' })).toThrow(
      /TTHC_TEST_LOG_LEVEL must be one of trace, debug, info, warn, error \(got "loud"\)/,
    );
  });
});
