/** Serverless workers for edgekue: handlers, leased batches, the cron tick and wake-ups' runner. */
export { workerDefaults } from './defaults.js';
export { Shutdown, TtlExceeded } from './errors.js';
export {
  type DoneCallback,
  type Handler,
  invokeHandler,
  isCallbackStyle,
  type WorkerContext,
} from './handler.js';
export { leaseToken, workerName } from './lease-token.js';
export {
  type ClaimOptions,
  claimJobs,
  extendLeases,
  type LeasedJob,
  type Outcome,
  settleJob,
} from './leases.js';
export { invocationBounds } from './options.js';
export { HandlerRegistry, type ProcessOptions, type Registration } from './registry.js';
export {
  type BatchHooks,
  type BatchOptions,
  type BatchResult,
  type CallBudget,
  fewestCalls,
  runBatch,
} from './run-batch.js';
export { type Lookout, RunningBatches } from './running-batches.js';
export {
  type InvocationOptions,
  runTick,
  runWake,
  type TickOptions,
  type TickResult,
  type WakeOptions,
} from './tick.js';
