/**
 * The SDK's Worker with a bound on workflow activations that can be switched off, and is by default.
 *
 * The SDK bounds every call into the workflow sandbox with `vm`'s `timeout` option (its hidden
 * `isolateExecutionTimeout`, 5 s), and Node.js enforces that by starting a watchdog thread for each
 * call (nodejs/node#47739): several calls per activation, about 75 µs each here, nearly half of the
 * workflow threads' CPU in a profile (BENCHMARKS.md). Without the bound, workflow code stuck in a
 * synchronous loop holds its thread until the process restarts instead of failing its task; the
 * dossier workflows have no unbounded loops, and `TTHC_WORKFLOW_ACTIVATION_TIMEOUT` sets a bound.
 */
import { Worker, type WorkerOptions } from '@temporalio/worker';

export interface TemporalWorkerOptions extends WorkerOptions {
  /** Milliseconds an activation may run before its workflow task fails; 0 (the default) sets no bound. */
  activationTimeoutMs?: number;
}

export class TemporalWorker extends Worker {
  static override create({ activationTimeoutMs = 0, ...options }: TemporalWorkerOptions): Promise<Worker> {
    // The SDK takes its hidden option over its default; 0 is turned into none below. `super`, not
    // `Worker`: the SDK's create() calls `this.createWorkflowCreator`, which must be ours.
    // biome-ignore lint/complexity/noThisInStatic: the subclass's static dispatch is the point
    return super.create({ ...options, isolateExecutionTimeout: activationTimeoutMs } as WorkerOptions);
  }

  protected static override createWorkflowCreator(
    ...[bundle, options, logger]: Parameters<typeof Worker.createWorkflowCreator>
  ): ReturnType<typeof Worker.createWorkflowCreator> {
    if (options.isolateExecutionTimeoutMs !== 0) return Worker.createWorkflowCreator(bundle, options, logger);
    // The SDK only hands the value on to its `vm` calls, which take no timeout as no watchdog.
    const unbounded = { ...options, isolateExecutionTimeoutMs: undefined as unknown as number };
    return Worker.createWorkflowCreator(bundle, unbounded, logger);
  }
}
