/** The worker tuning the configuration sets, shared by the worker process and the local stack. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/configuration.js';
import { workerTuningFrom } from '../../workers/dossier-workers.js';

describe('workerTuningFrom', () => {
  const config = loadConfig({
    TTHC_MAX_CONCURRENT_ACTIVITIES: '50',
    TTHC_MAX_CONCURRENT_UNIT_ACTIVITIES: '10',
    TTHC_MAX_CONCURRENT_WORKFLOW_TASKS: '8',
    TTHC_WORKFLOW_THREADS: '4',
    TTHC_WORKFLOW_ACTIVATION_TIMEOUT: '5s',
    TTHC_SHUTDOWN_GRACE_TIME: '45s',
  });

  it('maps each setting to its worker option; the force time is left to the SDK', () => {
    expect(workerTuningFrom(config)).toEqual({
      maxConcurrentActivityTaskExecutions: 50,
      maxConcurrentUnitActivityTaskExecutions: 10,
      maxConcurrentWorkflowTaskExecutions: 8,
      workflowThreadPoolSize: 4,
      activationTimeout: 5_000,
      shutdownGraceTime: 45_000,
      shutdownForceTime: undefined,
    });
  });

  it('sets no activation timeout unless configured (workers/temporal-worker.ts)', () => {
    expect(workerTuningFrom(loadConfig({})).activationTimeout).toBe(0);
  });

  it('gives up the shutdown a margin after the grace time when asked', () => {
    expect(workerTuningFrom(config, { shutdownForceMarginMs: 10_000 }).shutdownForceTime).toBe(55_000);
  });
});
