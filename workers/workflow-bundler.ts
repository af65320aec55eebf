/** Bundling workflow code (webpack, through the Temporal SDK) with webpack's progress kept quiet. */
import { createRequire } from 'node:module';
import { bundleWorkflowCode, type Logger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { readSetting } from '../config/configuration.js';
import { failureConverterPath } from '../encryption/data-converter.js';
import { workflowsPath as dossierWorkflowsPath } from './dossier-workers.js';

/**
 * Stateless modules every workflow uses, evaluated once per workflow thread and shared by all its
 * workflows instead of once per workflow (workflows/shared-modules.ts): less memory per cached
 * workflow and less CPU per workflow started or replayed.
 */
export const sharedWorkflowModules = [new URL('../workflows/shared-modules.ts', import.meta.url).pathname];

/** Which of webpack's messages reach stderr: warnings and errors, or errors only. */
export type BundlerLogLevel = 'warn' | 'error';

/** A logger for `bundleWorkflowCode` that drops webpack's progress and prints from `level` up. */
export function quietBundlerLogger(level: BundlerLogLevel = 'warn'): Logger {
  const ignore = () => undefined;
  return {
    log: ignore,
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: level === 'warn' ? (message: string) => console.warn(message) : ignore,
    error: (message: string) => console.error(message),
  };
}

/** Bundles the workflows the workers register (or those at `workflowsPath`) with the quiet logger. */
export function bundleWorkflowsQuietly(
  options: { workflowsPath?: string; level?: BundlerLogLevel; stackFrames?: number } = {},
): Promise<WorkflowBundleWithSourceMap> {
  const { level, ...rest } = options;
  return bundleWorkflows({ ...rest, logger: quietBundlerLogger(level) });
}

/**
 * Every workflow bundle of tthc-flow: the workflows with the failure converter that keeps failure
 * messages inside the encrypted payloads (encryption/failure-converter.cjs).
 */
export function bundleWorkflows(options: {
  workflowsPath?: string;
  logger?: Logger;
  /** Frames in workflow code's stack traces (workflows/shared-modules.ts); default TTHC_WORKFLOW_STACK_FRAMES. */
  stackFrames?: number;
}): Promise<WorkflowBundleWithSourceMap> {
  const stackFrames = options.stackFrames ?? readSetting('TTHC_WORKFLOW_STACK_FRAMES');
  return bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? dossierWorkflowsPath,
    failureConverterPath,
    preloadModules: sharedWorkflowModules,
    logger: options.logger,
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        new webpack.DefinePlugin({ __TTHC_WORKFLOW_STACK_FRAMES__: JSON.stringify(stackFrames) }),
      ],
    }),
  });
}

/** The SDK's own webpack (not a dependency of the project's). */
const webpack = createRequire(import.meta.resolve('@temporalio/worker'))('webpack') as {
  DefinePlugin: new (definitions: Record<string, string>) => never;
};
