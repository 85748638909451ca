/**
 * The job hash's field names (core/scripts/lib/fields.lua is the Lua twin; a test checks that both
 * agree). A job's hash is the bulk of what a queue keeps, and storage is billed on Upstash, so
 * the names are a letter or two and the times after creation are ms since created_at: small
 * integers Redis packs into a few bytes. Readers get Kue's names and epoch times back here.
 */
export const JOB_FIELDS = {
  type: 't',
  state: 's',
  data: 'd',
  created_at: 'c',
  updated_at: 'u',
  started_at: 'b',
  failed_at: 'f',
  promote_at: 'pa',
  priority: 'p',
  attempts: 'a',
  max_attempts: 'ma',
  delay: 'dl',
  backoff: 'bo',
  ttl: 'tl',
  duration: 'du',
  progress: 'pg',
  progress_data: 'pd',
  result: 'r',
  error: 'e',
  workerId: 'w',
  lease: 'l',
  lease_until: 'lu',
  remove_on_complete: 'rc',
  events: 'ev',
  unique: 'uq',
  search: 'sw',
  search_keys: 'sk',
  log_mark: 'lm',
  interruptions: 'it',
} as const;

export type JobField = keyof typeof JOB_FIELDS;

/** The fields the hash keeps as ms after created_at; everything else is kept as it reads. */
const SINCE_CREATED: readonly JobField[] = ['updated_at', 'started_at', 'failed_at'];

const NAME_OF = new Map<string, JobField>(
  Object.entries(JOB_FIELDS).map(([name, field]) => [field, name as JobField]),
);

/** A job's fields by Kue's names, times as epoch ms text, and its id. */
export type JobFields = Partial<Record<JobField | 'id', string>>;

/**
 * Reads a job hash as the scripts answer it (a flat field/value list, led by 'id' and the id)
 * into Kue's names and epoch times. Fields it does not know are dropped.
 */
export function readJobFields(flat: readonly string[]): JobFields {
  const h: JobFields = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    const name = field === 'id' ? 'id' : NAME_OF.get(field);
    if (name) h[name] = flat[i + 1]!;
  }
  const created = Number(h.created_at);
  for (const name of SINCE_CREATED) {
    const since = h[name];
    if (since !== undefined && since !== '' && Number.isFinite(created)) {
      h[name] = String(created + Number(since));
    }
  }
  return h;
}
