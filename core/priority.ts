import { InvalidPriority } from './errors.js';

/** Kue's priority names; lower runs first. */
export const priorities = { low: 10, normal: 0, medium: -5, high: -10, critical: -15 } as const;
export type PriorityName = keyof typeof priorities;

/** Integer priorities are bounded so scores stay exact and comparable. */
const LIMIT = 1_000_000;

export function priorityValue(input: unknown): number {
  if (typeof input === 'string') {
    if (Object.hasOwn(priorities, input)) return priorities[input as PriorityName];
    if (/^-?\d+$/.test(input.trim())) return priorityValue(Number(input.trim()));
    throw new InvalidPriority(input);
  }
  if (typeof input === 'number' && Number.isInteger(input) && Math.abs(input) <= LIMIT)
    return input;
  throw new InvalidPriority(input);
}

/** The name Kue shows for a number, when it has one. */
export function priorityName(value: number): PriorityName | undefined {
  return (Object.keys(priorities) as PriorityName[]).find((k) => priorities[k] === value);
}
