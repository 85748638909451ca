// What the foreground CLIs of the local stand-ins share (infra/redis-http/cli.ts,
// infra/qstash/cli.ts): flags read with node:util's parseArgs, checked by a zod schema whose
// messages name the flag, --help, and a refusal that prints the usage and exits 2.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { z } from 'zod';

/** A whole-number flag in [min, max], its messages naming the flag. */
export const integer = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

export const nonEmpty = (name: string) => z.string().min(1, `${name} must not be empty`);

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The flags of `argv` (unknown ones refused), turned into the schema's input by `toInput` and
 * checked; --help prints the usage and exits 0. Throws with every problem in one line.
 */
export function readFlags<S extends z.ZodType, O extends Options>(
  argv: string[],
  usage: string,
  options: O,
  schema: S,
  toInput: (
    values: ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true }>>['values'],
  ) => unknown,
): z.output<S> {
  const { values } = parseArgs({
    args: argv,
    options: { ...options, help: { type: 'boolean', short: 'h' } } as O,
    strict: true,
  });
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const parsed = schema.safeParse(toInput(values));
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** Prints why the command line was refused, and the usage; exits 2. */
export function refuseCommandLine(program: string, usage: string, error: unknown): never {
  process.stderr.write(
    `${program}: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`,
  );
  process.exit(2);
}
