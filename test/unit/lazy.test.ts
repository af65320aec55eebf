/** domain/lazy.ts and its use for the action schemas that workflow code validates updates with. */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { actionNames, actionSchemas } from '../../domain/dossier/dossier-actions.js';
import { feedbackActionNames, feedbackActionSchemas } from '../../domain/feedback/feedback-actions.js';
import { lazyRecord } from '../../domain/lazy.js';
import { parseActionRequest } from '../../workflows/workflow-support.js';

describe('lazyRecord', () => {
  it('builds a value on its first read only, once, and lists every key', () => {
    const built: string[] = [];
    const record = lazyRecord({
      a: () => {
        built.push('a');
        return { name: 'a' };
      },
      b: () => {
        built.push('b');
        return { name: 'b' };
      },
    });
    expect(Object.keys(record)).toEqual(['a', 'b']);
    expect(built).toEqual([]);
    const first = record.a;
    expect(record.a).toBe(first);
    expect(built).toEqual(['a']);
  });

  it('is frozen: a value cannot be replaced', () => {
    const record = lazyRecord({ a: () => 1 });
    expect(() => {
      (record as { a: number }).a = 2;
    }).toThrow(TypeError);
    expect(record.a).toBe(1);
  });
});

describe('action schemas built on demand (DOMAIN.md §1.1 step 5: every action validated at the boundary)', () => {
  it('every dossier and feedback action still has its schema', () => {
    for (const name of actionNames) expect(typeof actionSchemas[name].safeParse).toBe('function');
    for (const name of feedbackActionNames)
      expect(typeof feedbackActionSchemas[name].safeParse).toBe('function');
    expect(actionNames).toContain('apologize');
    expect(feedbackActionNames).toContain('answer');
  });

  it('an action name inherited from Object.prototype is an unknown action, not a crash', () => {
    const actor = { id: 'x', name: 'x', unit: '000.00.41.H99', role: 'leader' };
    for (const name of ['toString', '__proto__', 'constructor']) {
      const error = (() => {
        try {
          parseActionRequest(actionSchemas, { name, actor, payload: {} });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect((error as ApplicationFailure).type).toBe('INVALID_INPUT');
      expect((error as ApplicationFailure).message).toContain('Unknown action');
    }
  });

  it('a known action is validated with its schema', () => {
    const actor = { id: 'x', name: 'x', unit: '000.00.41.H99', role: 'leader' };
    const parsed = parseActionRequest(actionSchemas, {
      name: 'apologize',
      actor,
      payload: { reason: 'Cần xác minh thêm', newDueDate: '2027-03-10' },
    });
    expect(parsed.payload).toEqual({ reason: 'Cần xác minh thêm', newDueDate: '2027-03-10' });
    expect(() =>
      parseActionRequest(actionSchemas, { name: 'apologize', actor, payload: { reason: 'x' } }),
    ).toThrow(/newDueDate/);
  });
});
