/**
 * Loaded once per workflow thread into the SDK's shared module cache (the bundler's
 * `preloadModules`, workers/workflow-bundler.ts), before any workflow exists. Every workflow then
 * uses that one copy, deep-frozen by the SDK, instead of evaluating its own: zod is about half of
 * what each cached workflow's module graph weighed (BENCHMARKS.md).
 *
 * Only modules without per-workflow state belong here, and none whose exports include a schema
 * built at load time: the SDK freezes a shared module's exports, and zod defines properties on a
 * schema lazily (a frozen schema fails on first use). zod itself qualifies once its lazily set
 * global configuration (the default locale and memoizer) is in place, so this module sets it by
 * building and using one schema before the freeze.
 *
 * It also sets how many frames a stack trace taken in workflow code keeps, before the SDK freezes
 * the context's globals. The SDK takes a stack trace for every promise a workflow creates (for its
 * stack-trace query), and that was the largest single cost in the workflow threads' CPU profile;
 * TTHC_WORKFLOW_STACK_FRAMES, set into the bundle by workers/workflow-bundler.ts, chooses.
 */
import { z } from 'zod';

declare const __TTHC_WORKFLOW_STACK_FRAMES__: number | undefined;

Error.stackTraceLimit =
  typeof __TTHC_WORKFLOW_STACK_FRAMES__ === 'number' ? __TTHC_WORKFLOW_STACK_FRAMES__ : 10;

z.strictObject({ settled: z.string() }).safeParse({ settled: 'zod' });
