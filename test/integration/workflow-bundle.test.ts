/**
 * What the workflow bundle contains. The worker evaluates the modules workflow code imports once per
 * workflow (each workflow has its own module cache in the sandbox), so schema-heavy modules kept
 * out of the bundle save ~0.5 MB and several milliseconds per dossier (BENCHMARKS.md).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowsQuietly } from '../../workers/workflow-bundler.js';
import { type DossierTestSystem, startDossierSystem, workflowBundle } from '../support/dossier-env.js';
import { citizenApplication } from '../support/fixtures.js';

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

describe('stack traces taken in workflow code (TTHC_WORKFLOW_STACK_FRAMES, issue #19)', () => {
  let system: DossierTestSystem;
  beforeAll(async () => {
    system = await startDossierSystem({ timeSkipping: false });
  }, 120_000);
  afterAll(() => system?.teardown());

  it('sets the frame limit in the bundle before the SDK freezes the globals: 0 by default, or as asked', async () => {
    // webpack writes the expression with the setting's value in place of the name.
    const limitIn = (code: string) =>
      new Function(`return ${/Error\.stackTraceLimit = ([^;\n]+);/.exec(code)?.[1]}`)() as unknown;
    expect(limitIn((await workflowBundle()).code)).toBe(0);
    const withFrames = await bundleWorkflowsQuietly({ level: 'error', stackFrames: 6 });
    expect(limitIn(withFrames.code)).toBe(6);
  }, 120_000);

  it('a running dossier answers the stack-trace query with its awaits but no frames (the default)', async () => {
    const { code } = await system.client.receive({
      application: citizenApplication({ requestId: `stack-trace-${randomUUID()}` }),
    });
    const stacks: string = await system.temporal.workflow.getHandle(code).query('__stack_trace');
    expect(typeof stacks).toBe('string');
    expect(stacks).not.toMatch(/\bat\s+\S+/);
  });
});
