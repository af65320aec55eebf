/**
 * `npm run build:workflows`: bundles the workflow code once (webpack, via the Temporal SDK) and
 * writes it to dist/workflow-bundle.js (or TTHC_WORKFLOW_BUNDLE, or the path given as argument).
 * Production workers load it with `workflowBundle: { codePath }` instead of bundling at start; the
 * build also fails early when workflow code imports something the sandbox forbids.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSetting } from '../config/configuration.js';
import { projectRoot } from '../infra/tools.js';
import { bundleWorkflowsQuietly } from './workflow-bundler.js';

/** Bundles the workflows and writes the bundle; returns its path and size in bytes. */
export async function buildWorkflowBundle(outPath?: string): Promise<{ path: string; bytes: number }> {
  const configured = readSetting('TTHC_WORKFLOW_BUNDLE');
  const path = outPath
    ? resolve(outPath)
    : isAbsolute(configured)
      ? configured
      : join(projectRoot, configured);
  const { code } = await bundleWorkflowsQuietly({ level: 'warn' });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, code);
  return { path, bytes: Buffer.byteLength(code) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    const { path, bytes } = await buildWorkflowBundle(process.argv[2]);
    process.stdout.write(`workflow bundle written to ${path} (${(bytes / 1024 / 1024).toFixed(2)} MB)\n`);
  } catch (error) {
    process.stderr.write(`tthc: building the workflow bundle failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
