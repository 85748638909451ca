// Sizes are counted in UTF-8 bytes, what the wire and Redis carry, without encoding every payload:
// a count that took UTF-16 units for bytes would let a createMany of multi-byte data outgrow a
// request, or let an oversized job through.
import { describe, expect, it } from 'vitest';
import { PayloadTooLarge } from '../../core/index.js';
import { byteLength, jsonText } from '../../core/json-text.js';
import { newQueue } from './helpers.js';

const encoded = (text: string) => new TextEncoder().encode(text).length;

describe('payload sizes', () => {
  it('byteLength counts UTF-8 bytes as TextEncoder writes them', () => {
    const samples = [
      '',
      'plain ascii',
      'café naïve',
      '日本語のテキスト',
      'emoji 🚀🎉 pairs',
      'mixed é 日 🚀 x',
      'a\ud800b', // lone high surrogate: U+FFFD, 3 bytes
      'a\udc00b', // lone low surrogate
      '\ud83d', // high surrogate at the very end
    ];
    for (const text of samples) expect(byteLength(text), text).toBe(encoded(text));
    let random = '';
    for (let i = 0; i < 2_000; i++)
      random += String.fromCodePoint(Math.floor(Math.random() * 0x10ffff) % 0xd800);
    expect(byteLength(random)).toBe(encoded(random));
  });

  it('jsonText refuses data over the limit in bytes, not characters', () => {
    // 6 characters of JSON text, 10 bytes
    expect(() => jsonText('éééé', 'data', 9)).toThrow(PayloadTooLarge);
    expect(jsonText('éééé', 'data', 10)).toBe('"éééé"');
  });

  it('createMany splits multi-byte payloads by their bytes, each call under the request limit', async () => {
    const queue = newQueue();
    // four jobs of 400 KB each in UTF-8 (200,000 characters): two per call
    const big = 'é'.repeat(200_000);
    const jobs = await queue.createMany(
      Array.from({ length: 4 }, (_, i) => ({ type: 'big', data: { i, big } })),
    );
    expect(jobs.map((j) => j.id)).toEqual(['1', '2', '3', '4']);
    expect(await queue.inactiveCount()).toBe(4);
    const last = await queue.getJob('4');
    expect((last.data as { big: string }).big.length).toBe(200_000);
  });
});
