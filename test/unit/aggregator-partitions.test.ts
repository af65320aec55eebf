/**
 * The pure parts of the aggregator's scale-out: which partition an event belongs to, who should own
 * each partition among the live members, the filter of keys an aggregator wrote, and the rebuild's
 * progress line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KnownKeys } from '../../aggregators/known-keys.js';
import {
  assignPartitions,
  keysOfCounter,
  partitionedKey,
  partitionOfSubject,
} from '../../aggregators/partitions.js';
import { rebuildProgressBar } from '../../cli/rebuild-progress.js';

describe('partition of a subject', () => {
  it('depends only on the receiving unit of a dossier event; feedback is partition 0', () => {
    const a = partitionOfSubject('tthc.dossier.000_00_41_H99.000_01_41_H99.received', 8);
    expect(partitionOfSubject('tthc.dossier.000_00_12_H99.000_01_41_H99.approved', 8)).toBe(a);
    expect(partitionOfSubject('tthc.feedback.000_00_12_H99.received', 8)).toBe(0);
    expect(partitionOfSubject('tthc.dossier.000_00_41_H99.000_01_41_H99.received', 1)).toBe(0);
  });

  it('spreads receiving units over the partitions', () => {
    const seen = new Set<number>();
    for (let n = 0; n < 200; n++)
      seen.add(partitionOfSubject(`tthc.dossier.a.000_${String(n).padStart(3, '0')}_41_H99.received`, 4));
    expect(seen).toEqual(new Set([0, 1, 2, 3]));
  });

  it('names one counter key per partition when there are several', () => {
    expect(partitionedKey('c.u.2026-11', 0, 1)).toBe('c.u.2026-11');
    expect(partitionedKey('c.u.2026-11', 3, 4)).toBe('c.u.2026-11.3');
    expect(keysOfCounter('c.u.2026-11', 1)).toEqual(['c.u.2026-11']);
    expect(keysOfCounter('c.u.2026-11', 2)).toEqual(['c.u.2026-11.0', 'c.u.2026-11.1']);
  });
});

describe('assignment of partitions to members', () => {
  const members = fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{3,20}$/), { minLength: 1, maxLength: 9 });

  it('gives every member ⌊N/M⌋ or ⌈N/M⌉ partitions, the same in every process whatever the order', () => {
    fc.assert(
      fc.property(members, fc.integer({ min: 1, max: 64 }), (ids, partitions) => {
        const owners = assignPartitions(partitions, ids);
        expect(owners).toHaveLength(partitions);
        expect(assignPartitions(partitions, [...ids].reverse())).toEqual(owners);
        const load = ids.map((id) => owners.filter((owner) => owner === id).length);
        expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('keeps the partitions of the members that stay where they are when one member goes', () => {
    const before = assignPartitions(8, ['a', 'b', 'c', 'd']);
    const after = assignPartitions(8, ['a', 'b', 'c']);
    const stayed = before.filter((owner, p) => owner !== 'd' && after[p] === owner).length;
    expect(stayed).toBeGreaterThanOrEqual(4);
    expect(after.every((owner) => owner !== 'd')).toBe(true);
  });
});

describe('keys an aggregator wrote', () => {
  it('never says "absent" for a key it was told about', () => {
    const known = new KnownKeys(16);
    const keys = Array.from({ length: 2_000 }, (_, n) => `d.000_01_41_H99-261106-${n}`);
    for (const key of keys) known.add(key);
    expect(keys.every((key) => known.mightContain(key))).toBe(true);
    const others = Array.from({ length: 2_000 }, (_, n) => `d.000_01_42_H99-261106-${n}`);
    expect(others.filter((key) => known.mightContain(key)).length).toBeLessThan(100);
  });
});

describe('the rebuild progress line', () => {
  it('shows the share, the count, the rate and the time left', () => {
    let now = 0;
    const lines: string[] = [];
    const stream = {
      isTTY: false,
      write: (text: string) => lines.push(text),
    } as unknown as NodeJS.WriteStream;
    const bar = rebuildProgressBar(stream, () => now);
    bar.update(0, 1_000_000);
    now = 10_000;
    bar.update(250_000, 1_000_000);
    bar.done();
    expect(lines.at(-1)).toBe(
      '[tthc] rebuilding indicators [########......................]  25.0 %  250,000 / 1,000,000 events, 25,000 events/s, 30 s left\n',
    );
  });
});
