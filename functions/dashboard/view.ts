import { z } from 'zod';
import { jobStateSchema, jobTypeSchema } from '../../core/schema.js';

/** The tabs, in Kue's order of a job's life; keys 1–5 follow this order. */
export const states = [
  { state: 'inactive', label: 'Queued' },
  { state: 'active', label: 'Active' },
  { state: 'delayed', label: 'Delayed' },
  { state: 'failed', label: 'Failed' },
  { state: 'complete', label: 'Complete' },
] as const;

/**
 * What the page shows, as kept in its URL (?state=failed&type=email&order=desc&q=...). Bad values
 * fall back to defaults instead of failing: a shared link should always open. The client's
 * readView (client/api.ts) reads the URL the same way, and rewrites it to what it shows. A type is
 * kept if the API would accept its name, jobs or not: a link may name a type before its first job.
 */
export const dashboardViewSchema = z.object({
  state: jobStateSchema.catch('active'),
  type: jobTypeSchema.catch(''),
  order: z.enum(['asc', 'desc']).catch('desc'),
  q: z.string().max(500).catch(''),
});
export type DashboardView = z.infer<typeof dashboardViewSchema>;

export function parseView(query: Record<string, string | undefined>): DashboardView {
  return dashboardViewSchema.parse({
    state: query.state ?? 'active',
    type: query.type ?? '',
    order: query.order ?? 'desc',
    q: query.q ?? '',
  });
}
