// The Redis HTTP bridge in a process of its own, so a chaos run can measure its memory apart from
// everything else. Settings arrive as JSON in CHAOS_BRIDGE; it answers `{ t: 'ready', url }` over
// IPC, `{ t: 'mem', ... }` to `{ t: 'mem' }` (after a GC when started with --expose-gc), and
// closes on SIGTERM or when its parent goes away.
import { z } from 'zod';
import { startBridge } from '../../../infra/redis-http/index.js';
import { parentChannel } from '../lib/processes.js';
import { heapReport } from './heap-report.js';

const settingsSchema = z.object({
  redisUrl: z.string(),
  token: z.string().min(1),
  allowDangerousCommands: z.boolean().default(false),
});

const parent = parentChannel();
const settings = settingsSchema.parse(JSON.parse(process.env.CHAOS_BRIDGE ?? '{}'));
const bridge = await startBridge({ ...settings, port: 0, log: () => {} });

process.on('message', (m: { t?: string }) => {
  if (m?.t === 'mem') parent.send({ t: 'mem', ...heapReport() });
});
let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  void bridge.close().finally(() => process.exit(0));
});
parent.send({ t: 'ready', url: bridge.url, pid: process.pid });
