import type { HandlerRegistry } from '../../worker-handlers/index.js';

/**
 * Refuses a platform entry called without the registry it is to run: edgekue's own entries fall
 * back on the demo handlers, which would complete a project's jobs without doing their work.
 */
export function registryRequired(call: string, registry: HandlerRegistry | undefined): void {
  if (!registry || typeof registry.process !== 'function') {
    throw new TypeError(
      `${call} needs the handlers to run: a new HandlerRegistry() from 'edgekue/worker', with .process(type, handler) for each type`,
    );
  }
}

/** `start`, with its options' registry required (in the types, and refused when absent). */
export function withRegistry<O extends { registry?: HandlerRegistry }, R>(
  entry: string,
  start: (options?: O) => R,
): (options: O & { registry: HandlerRegistry }) => R {
  return (options) => {
    registryRequired(`${entry}({ registry })`, options?.registry);
    return start(options);
  };
}
