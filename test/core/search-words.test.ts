import { describe, expect, it } from 'vitest';
import { defaults } from '../../core/defaults.js';
import { searchWords, words } from '../../core/search-words.js';
import { newQueue, raw } from './helpers.js';

const nfd = (s: string) => s.normalize('NFD');

describe('search words', () => {
  it('a query word longer than any indexed word matches nothing, not every job', async () => {
    const queue = newQueue();
    const long = 'b'.repeat(defaults.maxWordLength + 6);
    const [plain, withLong] = await queue.createMany([
      { type: 'email', data: { title: 'welcome' } },
      { type: 'email', data: { title: `welcome ${long}` } },
    ]);
    expect(await queue.search('welcome')).toEqual([plain!.id, withLong!.id]);
    expect(await queue.search(`welcome ${long}`)).toEqual([]);
    expect(await queue.search(long)).toEqual([]);
    // the longest word indexed is found; one character more is not indexed
    const edge = 'c'.repeat(defaults.maxWordLength);
    const job = await queue.create('email', { a: edge, b: `${edge}c` }).save();
    expect(await queue.search(edge)).toEqual([job.id]);
    expect(await queue.search(`${edge}c`)).toEqual([]);
    expect(words(`x ${'d'.repeat(10_000)}`).map((w) => w.length)).toEqual([
      1,
      defaults.maxWordLength + 1,
    ]);
  });

  it('keeps only the matches in a state, of a type, when asked', async () => {
    const queue = newQueue();
    const [a, b, c] = await queue.createMany([
      { type: 'email', data: { title: 'welcome' } },
      { type: 'email', data: { title: 'welcome' } },
      { type: 'sms', data: { title: 'welcome' } },
    ]);
    await queue.setState([b!.id!, c!.id!], 'failed');
    expect(await queue.search('welcome')).toEqual([a!.id, b!.id, c!.id]);
    expect(await queue.search('welcome', { state: 'failed' })).toEqual([b!.id, c!.id]);
    expect(await queue.search('welcome', { state: 'failed', type: 'sms' })).toEqual([c!.id]);
    expect(await queue.search('welcome', { type: 'email' })).toEqual([a!.id, b!.id]);
    expect(await queue.search('welcome', { state: 'complete' })).toEqual([]);
  });

  it('combining marks belong to their word', async () => {
    const queue = newQueue();
    const [hindi, thai] = await queue.createMany([
      { type: 'greet', data: { text: 'नमस्ते दुनिया' } },
      { type: 'greet', data: { text: 'สวัสดี' } },
    ]);
    expect(await queue.search('नमस्ते')).toEqual([hindi!.id]);
    expect(await queue.search('नमस')).toEqual([]);
    expect(await queue.search('สวัสดี')).toEqual([thai!.id]);
    expect(await queue.search('ส')).toEqual([]);
    expect(await raw.hget(queue.keys.job(hindi!.id!), 'sw')).toBe('नमस्ते दुनिया');
    expect(words('नमस्ते, दुनिया')).toEqual(['नमस्ते', 'दुनिया']);
    // a mark with no letter before it is no word
    expect(words('a \u0301 b')).toEqual(['a', 'b']);
  });

  it('data and query are normalized alike (NFKC, lower case)', async () => {
    const queue = newQueue();
    const [decomposed, composed, wide] = await queue.createMany([
      { type: 'menu', data: { item: nfd('Café crème') } },
      { type: 'menu', data: { item: 'naïve Café' } },
      { type: 'menu', data: { item: 'ＴＪ ｆｉｌｅ №５' } },
    ]);
    expect(await queue.search('café')).toEqual([decomposed!.id, composed!.id]);
    expect(await queue.search(nfd('CAFÉ'))).toEqual([decomposed!.id, composed!.id]);
    expect(await queue.search(nfd('naïve'))).toEqual([composed!.id]);
    expect(await queue.search('crème')).toEqual([decomposed!.id]);
    // é is not e: no accent folding
    expect(await queue.search('cafe')).toEqual([]);
    expect(await queue.search('tj file no5')).toEqual([wide!.id]);
    expect(await queue.search('ｔｊ')).toEqual([wide!.id]);
    expect(words('ﬁle H\u0331')).toEqual(['file', 'ẖ']);
  });

  it(`indexes a job's first ${defaults.maxSearchWords} distinct words of up to ${defaults.maxWordLength} characters`, async () => {
    const queue = newQueue();
    const many = Array.from({ length: defaults.maxSearchWords + 20 }, (_, i) => `w${i}`);
    const long = 'e'.repeat(defaults.maxWordLength + 1);
    // the long word and repeats do not count towards the cap
    const job = await queue.create('bulk', { text: `${long} w0 w0 ${many.join(' ')}` }).save();
    const last = `w${defaults.maxSearchWords - 1}`;
    expect(await queue.search(`w0 ${last}`)).toEqual([job.id]);
    expect(await queue.search(`w${defaults.maxSearchWords}`)).toEqual([]);
    expect(searchWords({ text: many.join(' ') }).split(' ')).toHaveLength(defaults.maxSearchWords);
    // an astral letter is one character: 64 of them (128 UTF-16 units) are indexed
    const astral = '𠀀'.repeat(defaults.maxWordLength);
    expect(searchWords({ t: `${astral} ${astral}𠀀` })).toBe(astral);
  });
});
