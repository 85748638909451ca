/** Every tunable of the core, with why it has the value it has. */
export const defaults = {
  /** Kue's default prefix. */
  prefix: 'q',
  /** Event stream cap: enough for a dashboard to catch up after a reconnect, bounded memory. */
  eventsMax: 10_000,
  /** Upstash's default request limit is 1 MiB; a job must fit in one request with room to spare. */
  maxDataBytes: 512 * 1024,
  /** Kept log lines per job: a chatty handler must not grow a job without bound. */
  maxLogLines: 1_000,
  /**
   * Runs of a job cut short by the end of their invocation (its time budget, or a server told to
   * stop) given back without counting an attempt. An invocation ends every 25 s or so, so a job
   * longer than the grace can be cut by no fault of its own; the bound keeps a job longer than
   * any invocation from coming back for ever: past it, each cut fails an attempt (Kue's Shutdown).
   */
  maxInterruptions: 3,
  /** Search: words per job and the longest word indexed. */
  maxSearchWords: 256,
  maxWordLength: 64,
  /**
   * Search answers at most this many ids: a search whose every word is in more jobs is refused
   * (add a word), so one query cannot hold Redis on millions of ids. 10,000 ids is ~70 KB.
   */
  maxSearchResults: 10_000,
  /** A log line, or a failed attempt's error text, longer than this is cut (saying so). */
  maxLineBytes: 16 * 1024,
  /**
   * What one of a worker's touch or ack calls carries, about (log lines and progress; results and
   * errors): more go in further calls. A touch and an ack share one HTTP request
   * (auto-pipelining), so each keeps well under the request limit.
   */
  maxWriteBytes: 256 * 1024,
  /**
   * An answer of jobs (a claim, a page, jobs by id) takes no more jobs once it holds this much:
   * jobs with large data come a few per call, the rest in further calls (a claim leaves them for
   * the next). Upstash refuses an answer over its 10 MB request limit, and base64 adds a third.
   */
  maxAnswerBytes: 2 * 1024 * 1024,
  /** createMany splits its payload so that each script call stays under the request limit. */
  maxBatchBytes: 800 * 1024,
  /** Jobs promoted or recovered per script call: bounds the time one script holds Redis. */
  promoteLimit: 200,
  /** Bulk moves and removals per script call. */
  bulkLimit: 1_000,
} as const;
