/**
 * What the workflow bundle contains. The worker evaluates the modules workflow code imports once per
 * workflow (each workflow has its own module cache in the sandbox), so schema-heavy modules kept
 * out of the bundle save ~0.5 MB and several milliseconds per dossier (BENCHMARKS.md).
 */
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../support/dossier-env.js';

const modulesOf = (code: string) =>
  new Set(
    [...code.matchAll(/"\.\/((?:domain|events|workflows|rules|activities|contract)\/[^"]+\.ts)"/g)].map(
      (m) => m[1],
    ),
  );

describe('workflow bundle', () => {
  it('holds the workflows and the pure domain code they use', async () => {
    const modules = modulesOf((await workflowBundle()).code);
    for (const expected of [
      'workflows/dossier-workflow.ts',
      'workflows/feedback-workflow.ts',
      'contract/dossier-contract.ts',
      'domain/dossier/dossier-transitions.ts',
      'domain/feedback/feedback-transitions.ts',
      'domain/calendar.ts',
    ])
      expect(modules).toContain(expected);
  });

  it('preloads zod once per workflow thread, shared by its workflows (workflows/shared-modules.ts)', async () => {
    const { code } = await workflowBundle();
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    expect(preload).toContain('workflows/shared-modules.ts');
    // The shared module is zod's own and nothing of the project's with per-workflow state.
    expect(modulesOf(preload)).toEqual(new Set(['workflows/shared-modules.ts']));
  });

  it('leaves out the schemas only boundaries use: events, applications, catalogue, organisation', async () => {
    const modules = modulesOf((await workflowBundle()).code);
    for (const absent of [
      'events/dossier-event-schema.ts',
      'domain/application.ts',
      'domain/catalogue.ts',
      'domain/organisation.ts',
      'domain/feedback/feedback-schema.ts',
      'domain/duration-schema.ts',
    ])
      expect(modules).not.toContain(absent);
  });
});
