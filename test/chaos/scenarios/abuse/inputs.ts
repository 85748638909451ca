// Hostile input for the abuse scenario: crafted strings that break parsers, Lua, key names,
// templates and headers, odd numbers and ranges, and random JSON of every shape.
import type { Random } from '../../lib/util.js';

/** Strings that break something somewhere: Lua, JSON, key patterns, HTML, shells, formats. */
export const craftedStrings: string[] = [
  `]] -- ' " \\ \u0000 %s`,
  `"); redis.call('FLUSHALL') --`,
  `]]..redis.call('flushall')..[[`,
  `')) return redis.call('CONFIG','SET','maxmemory','1') --`,
  `'; DROP TABLE jobs; --`,
  `{q}:jobs`,
  `}{`,
  `*`,
  `?`,
  `[a-z]`,
  `\\`,
  `%00`,
  `%s%s%s%n%x`,
  `$(reboot)`,
  '`id`',
  `\${7*7}`,
  `{{7*7}}`,
  `<script>alert(1)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `../../../../etc/passwd`,
  `..%2f..%2fetc%2fpasswd`,
  `__proto__`,
  `constructor`,
  `prototype`,
  `toString`,
  `hasOwnProperty`,
  `null`,
  `undefined`,
  `NaN`,
  `-0`,
  `1e309`,
  `0x10`,
  ` `,
  `\t\n\r`,
  `a\r\nSet-Cookie: pwned=1`,
  `\u202egnp.exe`,
  `𝕏😀👩‍👩‍👧‍👦`,
  `é`,
  `e\u0301`,
  `Ｊｏｂ`,
  `\u00ff\u00fe`,
  `\ud800`,
  `\udfff\ud800`,
  `\u0085\u2028\u2029`,
  `\u001b[31mred`,
  `cjson.decode`,
  `redis.call`,
  `inactive`,
  `complete:inactive`,
  `a:b:c:d`,
  `x`.repeat(201),
  `y`.repeat(10_000),
  `word `.repeat(600),
];

/** Values for an `:id` parameter: well-formed, malformed and out of range. */
export const oddIds = [
  '0',
  '-1',
  '+5',
  ' 5',
  '5 ',
  '1.0',
  '1e3',
  '0x10',
  '007',
  '999999999999999',
  '9999999999999999',
  '9007199254740993',
  '１',
  '١',
  'NaN',
  'Infinity',
  '',
  'abc',
  '5;6',
  '5,6',
];

/** Values for `:from..:to`. */
export const oddRanges = [
  '0..10',
  '0..0',
  '10..0',
  '-5..3',
  '0..999',
  '0..1000',
  '0..999999999',
  '0..9999999999',
  '0..9007199254740993',
  '1e3..1e4',
  'a..b',
  '..',
  '0..',
  '..5',
  '0...5',
  '0..5..9',
  ' 0..5',
  '0x0..0x5',
  '٠..٥',
];

export const states = ['inactive', 'delayed', 'active', 'complete', 'failed'];
export const oddStates = ['Inactive', 'COMPLETE', 'done', '', 'inactive ', 'jobs', 'all', '*'];
export const oddPriorities = [
  'high',
  'critical',
  'HIGH',
  '-15',
  '10',
  '1e6',
  '1000001',
  '-1000001',
  '0.5',
  'NaN',
  '',
  'x'.repeat(30),
];
export const oddOrders = ['asc', 'desc', 'ASC', 'random', '', 'asc;desc'];

/** Random JSON: every value type, nested up to `depth`, with hostile keys and strings. */
export function randomJson(rnd: Random, depth = 4): unknown {
  const kind = rnd.int(0, depth <= 0 ? 5 : 8);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rnd.chance(0.5);
    case 2:
      return rnd.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE, 42]);
    case 3:
    case 4:
      return rnd.pick(craftedStrings);
    case 5:
      return randomString(rnd);
    case 6:
    case 7:
      return Array.from({ length: rnd.int(0, 5) }, () => randomJson(rnd, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rnd.int(0, 5); i > 0; i--) {
        o[rnd.chance(0.5) ? rnd.pick(craftedStrings) : randomString(rnd)] = randomJson(
          rnd,
          depth - 1,
        );
      }
      return o;
    }
  }
}

/** A short string of random code points from every plane (lone surrogates included). */
export function randomString(rnd: Random): string {
  const n = rnd.int(0, 24);
  let s = '';
  for (let i = 0; i < n; i++) {
    const range = rnd.int(0, 4);
    const cp =
      range === 0
        ? rnd.int(0x20, 0x7e)
        : range === 1
          ? rnd.int(0, 0x1f)
          : range === 2
            ? rnd.int(0x80, 0xffff)
            : range === 3
              ? rnd.int(0x10000, 0x10ffff)
              : rnd.int(0xd800, 0xdfff);
    s += String.fromCodePoint(cp);
  }
  return s;
}

/** `[[[[...]]]]`: deeper than any parser should follow. */
export const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
export const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Bodies for POST /job, PUT routes and any route that should not take one. */
export function hostileBodies(
  rnd: Random,
  fuzzType: string,
): { body: string | Buffer; type?: string }[] {
  const job = (extra: Record<string, unknown>) =>
    JSON.stringify({ type: fuzzType, data: {}, ...extra });
  return [
    { body: deepArray(100_000) },
    { body: deepObject(10_000) },
    { body: `{"type":"${fuzzType}","data":${deepArray(70)}}` },
    { body: `{"__proto__":{"polluted":true},"type":"${fuzzType}"}` },
    { body: `{"type":"${fuzzType}","data":{"__proto__":{"polluted":true}}}` },
    { body: `{"type":"${fuzzType}","data":{"constructor":{"prototype":{"polluted":true}}}}` },
    { body: job({ options: { priority: 1e308 } }) },
    { body: job({ options: { priority: '__proto__' } }) },
    { body: job({ options: { attempts: -1 } }) },
    { body: job({ options: { attempts: 1e9 } }) },
    { body: job({ options: { delay: 1e20 } }) },
    { body: job({ options: { ttl: 0 } }) },
    { body: job({ options: { backoff: { type: 'exponential', delay: -1 } } }) },
    { body: job({ options: { backoff: { type: 'eval', fn: 'process.exit()' } } }) },
    { body: job({ options: { searchKeys: Array.from({ length: 40 }, (_, i) => `k${i}`) } }) },
    { body: job({ options: { unique: 'u'.repeat(10_000) } }) },
    { body: job({ options: { events: 'yes' } }) },
    { body: job({ options: { removeOnComplete: 1 } }) },
    { body: job({ data: 'z'.repeat(600 * 1024) }) },
    { body: JSON.stringify(Array.from({ length: 1_001 }, () => ({ type: fuzzType }))) },
    { body: JSON.stringify([{ type: fuzzType }, null, 5, 'x', [], { type: '' }]) },
    { body: Buffer.alloc(2 * 1024 * 1024, 0x20) },
    { body: 'x'.repeat(1024 * 1024 + 1) },
    { body: '{"type":' },
    { body: '{"type":"a",}' },
    { body: 'null' },
    { body: '"just a string"' },
    { body: '12345' },
    { body: '[]' },
    { body: '{}' },
    { body: '\ufeff{"type":"bom"}' },
    { body: Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
    { body: job({}), type: 'text/plain' },
    { body: job({}), type: 'application/x-www-form-urlencoded' },
    { body: job({}), type: 'multipart/form-data; boundary=x' },
    { body: job({}), type: 'application/json; charset=utf-16' },
    { body: job({}), type: 'application/json\r\nX-Injected: 1' },
    { body: JSON.stringify({ type: rnd.pick(craftedStrings), data: randomJson(rnd) }) },
    { body: JSON.stringify(randomJson(rnd, 6)) },
  ];
}
