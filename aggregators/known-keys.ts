/**
 * A Bloom filter of the KV keys an aggregator has written: a key it never wrote, in a partition no
 * one else wrote before it, is certainly absent from the bucket, so a rebuild into a fresh bucket
 * never reads a key before creating it. A false "maybe" only costs a read.
 */
import { fnv1a32 } from './partitions.js';

export class KnownKeys {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** 2^log2Bits bits (default 2^26 = 8 MiB, about 1 % false "maybe" at 7 million keys). */
  constructor(
    log2Bits = 26,
    private readonly hashes = 7,
  ) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  add(key: string): void {
    const [h1, h2] = this.hash(key);
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + i * h2) & this.mask;
      this.bits[bit >>> 5] = (this.bits[bit >>> 5] as number) | (1 << (bit & 31));
    }
  }

  mightContain(key: string): boolean {
    const [h1, h2] = this.hash(key);
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + i * h2) & this.mask;
      if (((this.bits[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  private hash(key: string): [number, number] {
    const h1 = fnv1a32(key);
    let h2 = Math.imul(h1 ^ (h1 >>> 15), 0x2c1b3c6d) >>> 0;
    h2 = (Math.imul(h2 ^ (h2 >>> 12), 0x297a2d39) >>> 0) | 1;
    return [h1, h2];
  }
}
