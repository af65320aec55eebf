/**
 * Deterministic partitions of the event subjects for the indicator aggregator.
 *
 * A dossier event `tthc.dossier.<competent agency>.<receiving unit>.<type>` belongs to partition
 * FNV-1a-32(<receiving unit token>) mod N: the same number NATS's subject-mapping function
 * `{{partition(N,2)}}` gives for `tthc.dossier.*.*.*` (test/integration/aggregator-partitions.test.ts
 * checks it against nats-server), so a deployment can move the split to the server without any
 * partition changing owner. The receiving unit is part of the dossier code and never changes, so
 * every event of a dossier lands in the same partition (the competent agency can be corrected).
 * Feedback events all go to partition 0: a forwarded feedback changes its handling unit, the only
 * unit its subject names. A partition's counter keys carry its number when there is more than one
 * (`c.<unit>.<period>.<p>`), so that partitions never write the same key; the read model sums them.
 */
import { dossierSubjectRoot } from '../events/subjects.js';

/** 32-bit FNV-1a over the UTF-16 code units of an ASCII subject token (NATS hashes its bytes). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i) & 0xff;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const dossierPrefix = `${dossierSubjectRoot}.`;

/** The partition (0 … partitions − 1) of an event subject. */
export function partitionOfSubject(subject: string, partitions: number): number {
  if (partitions <= 1 || !subject.startsWith(dossierPrefix)) return 0;
  // tthc.dossier.<agency>.<receiving unit>.<type>: the fourth token.
  const agencyEnd = subject.indexOf('.', dossierPrefix.length);
  const unitEnd = subject.indexOf('.', agencyEnd + 1);
  if (agencyEnd < 0 || unitEnd < 0) return 0;
  return fnv1a32(subject.slice(agencyEnd + 1, unitEnd)) % partitions;
}

/** A counter key as partition `partition` of `partitions` writes it (plain with one partition). */
export function partitionedKey(key: string, partition: number, partitions: number): string {
  return partitions <= 1 ? key : `${key}.${partition}`;
}

/** Every key a counter is spread over in a bucket of `partitions` partitions. */
export function keysOfCounter(key: string, partitions: number): string[] {
  if (partitions <= 1) return [key];
  return Array.from({ length: partitions }, (_, p) => `${key}.${p}`);
}

/** murmur3's finaliser over FNV-1a: well-spread scores even for member ids that differ in one character. */
function score(member: string, partition: number): number {
  let h = fnv1a32(`${member}#${partition}`);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Who should own each partition among the live members: rendezvous hashing with bounded loads, so
 * every member gets ⌊N/M⌋ or ⌈N/M⌉ partitions, the same answer in every process for the same
 * members, and few partitions move when a member comes or goes.
 */
export function assignPartitions(partitions: number, members: readonly string[]): string[] {
  const sorted = [...new Set(members)].sort();
  if (sorted.length === 0) return [];
  // N slots in all: every member takes ⌊N/M⌋, and N mod M of them one more.
  const floor = Math.floor(partitions / sorted.length);
  let extra = partitions % sorted.length;
  const load = new Map(sorted.map((member) => [member, 0]));
  const owners: string[] = [];
  for (let p = 0; p < partitions; p++) {
    let best: string | undefined;
    let bestScore = -1;
    for (const member of sorted) {
      const taken = load.get(member) ?? 0;
      if (taken > floor || (taken === floor && extra === 0)) continue;
      const s = score(member, p);
      if (s > bestScore) {
        best = member;
        bestScore = s;
      }
    }
    const owner = best ?? (sorted[0] as string);
    if ((load.get(owner) ?? 0) === floor) extra--;
    owners.push(owner);
    load.set(owner, (load.get(owner) ?? 0) + 1);
  }
  return owners;
}
