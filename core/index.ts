/** edgekue's runtime-agnostic core: Kue's job model on HTTP Redis. No Node API in here. */
export { bySize } from './by-size.js';
export { defaults } from './defaults.js';
export { type EnqueueRow, type EnqueueRun, expandEnqueueAnswer } from './enqueue-answer.js';
export {
  EdgekueError,
  type ErrorCode,
  given,
  InvalidPriority,
  InvalidState,
  JobNotFound,
  LeaseLost,
  PayloadTooLarge,
  RedisFailure,
  RedisFull,
  redisError,
  ValidationError,
  withoutCommandEcho,
  withoutCommands,
} from './errors.js';
export { type EventListener, QueueEvents } from './events.js';
export { format } from './format.js';
export {
  type BackoffFunction,
  Job,
  type JobListener,
  type JobWriter,
  type NodeCallback,
  withCallback,
} from './job.js';
export { JOB_FIELDS, type JobField, type JobFields, readJobFields } from './job-fields.js';
export { byteLength, cutText } from './json-text.js';
export {
  DATA_FORMAT,
  ID_SET_BUCKET,
  ID_SET_GROUP,
  idSetBucket,
  type JobState,
  type Keys,
  queueKeys,
} from './keys.js';
export { priorities, priorityName, priorityValue } from './priority.js';
export {
  type Counts,
  createQueue,
  type EnqueueListener,
  type KueStats,
  type NewJob,
  Queue,
  type RangePage,
  type RangeQuery,
  type RequeueListener,
  type TouchHooks,
  type TouchStatus,
} from './queue.js';
export { randomHex } from './random-hex.js';
export {
  type Connection,
  isRestUrl,
  type RedisClient,
  type Subscription,
} from './redis-client.js';
export * from './schema.js';
export { list, type ScriptConfig, ScriptRunner } from './script-runner.js';
export { searchWords, words } from './search-words.js';
export { sleep } from './sleep.js';
export { type TouchChunk, type TouchEntry, touchChunks } from './touch-chunks.js';
