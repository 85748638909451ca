// HandlerRegistry.process(): a second handler for a type is refused, where it replaced the first
// without a word (Kue started more workers on a second process() of a type; a migrated
// `process('email', 5, f)` twice would have run at 5, not 10).
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/index.js';
import { HandlerRegistry } from '../../worker-handlers/index.js';

describe('HandlerRegistry', () => {
  it('refuses a second handler for a type, naming it, and keeps the first', () => {
    const first = async () => 'first';
    const registry = new HandlerRegistry().process('email', 5, first);
    const error = (() => {
      try {
        registry.process('email', 5, async () => 'second');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('type');
    expect((error as ValidationError).message).toMatch(/^type: 'email' already has a handler/);
    expect(registry.get('email')).toMatchObject({ concurrency: 5, handler: first });
    expect(registry.size).toBe(1);
    // other types still register
    registry.process('video', async () => 'ok');
    expect(registry.claimTypes()).toEqual([
      { type: 'email', concurrency: 5 },
      { type: 'video', concurrency: 0 },
    ]);
  });

  it('refuses an option it does not know, where a misspelt concurrency ran without a limit', () => {
    const registry = new HandlerRegistry();
    expect(() => registry.process('b', { concurency: 2 } as never, async () => 'ok')).toThrow(
      /^options: "concurency" is not an option of process\(\) \(concurrency, backoff\)$/,
    );
    expect(registry.size).toBe(0);
    registry.process('b', { concurrency: 2, backoff: () => 1_000 }, async () => 'ok');
    expect(registry.claimTypes()).toEqual([{ type: 'b', concurrency: 2 }]);
  });
});
