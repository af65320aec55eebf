/**
 * The SDK's Worker with a bound on workflow activations that can be switched off, and is by
 * default, and with workflow threads started without the process's command-line options.
 *
 * The SDK bounds every call into the workflow sandbox with `vm`'s `timeout` option (its hidden
 * `isolateExecutionTimeout`, 5 s), and Node.js enforces that by starting a watchdog thread for each
 * call (nodejs/node#47739): several calls per activation, about 75 µs each here, nearly half of the
 * workflow threads' CPU in a profile (BENCHMARKS.md). Without the bound, workflow code stuck in a
 * synchronous loop holds its thread until the process restarts instead of failing its task; the
 * dossier workflows have no unbounded loops, and `TTHC_WORKFLOW_ACTIVATION_TIMEOUT` sets a bound.
 *
 * The workflow threads would otherwise inherit `--import tsx`: a TypeScript loader in every thread,
 * which also turns on Node's source maps there, and Node then inspects the source of every
 * function the SDK's promise hook compiles (two per promise in workflow code). The threads run the
 * SDK's JavaScript and the prebuilt bundle, whose stack traces the SDK maps itself; they keep the
 * options that profile them. 5–8 % less worker CPU per workflow in paired runs (BENCHMARKS.md).
 */
import { createRequire } from 'node:module';
import type { WorkerOptions as WorkerThreadOptions } from 'node:worker_threads';
import { Worker, type WorkerOptions } from '@temporalio/worker';

/** The module object the SDK reads `Worker` from when it starts its threads. */
const workerThreads = createRequire(import.meta.url)(
  'node:worker_threads',
) as typeof import('node:worker_threads');

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
    // The SDK only hands the value on to its `vm` calls, which take no timeout as no watchdog.
    const sandboxOptions =
      options.isolateExecutionTimeoutMs === 0
        ? { ...options, isolateExecutionTimeoutMs: undefined as unknown as number }
        : options;
    return withoutPreloads(() => Worker.createWorkflowCreator(bundle, sandboxOptions, logger));
  }
}

/** Of a process's command-line options, those that profile its threads: `--cpu-prof*`, `--heap-prof*`. */
export function profilingOptions(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const option = execArgv[i] as string;
    if (!/^--(cpu|heap)-prof(-|$)/.test(option)) continue;
    kept.push(option);
    // `--cpu-prof-dir dir` takes its value as the next argument; `--cpu-prof` takes none.
    const next = execArgv[i + 1];
    if (/^--(cpu|heap)-prof-\w+$/.test(option) && next !== undefined) {
      kept.push(next);
      i++;
    }
  }
  return kept;
}

/**
 * Runs `create` with Node's `Worker` starting threads with none of the process's command-line
 * options but those that profile (profilingOptions). The SDK starts its workflow threads
 * synchronously inside createWorkflowCreator, before its first `await`, so only they start so.
 */
function withoutPreloads<T>(create: () => T): T {
  const NodeWorker = workerThreads.Worker;
  const execArgv = profilingOptions(process.execArgv);
  workerThreads.Worker = class extends NodeWorker {
    constructor(filename: string | URL, options: WorkerThreadOptions = {}) {
      super(filename, { execArgv, ...options });
    }
  };
  try {
    return create();
  } finally {
    workerThreads.Worker = NodeWorker;
  }
}
