// A trickle of demo jobs for `npm start`, so the dashboard has something to show: a few a second
// of several types, over the JSON API (each create wakes a worker), some with progress and logs,
// some failing and retrying, some delayed. Handlers: functions/handlers.ts.
import type { Queue } from '../../core/index.js';

export interface DemoJobs {
  stop(): void;
}

interface Spec {
  type: string;
  data?: unknown;
  options?: Record<string, unknown>;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const people = ['tj', 'ana', 'kim', 'lee', 'sam', 'ada', 'joe'];
const priorities = ['low', 'normal', 'normal', 'medium', 'high', 'critical'] as const;

/** What to create on the n-th quarter second. */
function due(n: number): Spec[] {
  const specs: Spec[] = [];
  if (n % 2 === 0) {
    specs.push({
      type: 'email',
      data: { title: `welcome ${pick(people)}`, to: `${pick(people)}@example.com` },
      options: { priority: pick(priorities), attempts: 2 },
    });
  }
  if (n % 8 === 3) {
    specs.push({ type: 'video', data: { title: 'render', frames: 10 + (n % 20) } });
  }
  if (n % 6 === 1) {
    specs.push({
      type: 'flaky',
      data: { failRate: 0.5 },
      options: { attempts: 4, backoff: { type: 'exponential', delay: 1_000 } },
    });
  }
  if (n % 20 === 5) {
    specs.push({
      type: 'email',
      data: { title: 'reminder', to: `${pick(people)}@example.com` },
      options: { delay: 3_000 + Math.floor(Math.random() * 7_000) },
    });
  }
  return specs;
}

/**
 * Whether `npm start` creates demo jobs: `--demo` or `--no-demo` when given; else only on a
 * redis-server the stack started itself. A database of the user's (UPSTASH_REDIS_REST_URL,
 * REDIS_URL) may hold real jobs and bill every command: the demo's would land among them.
 */
export function demoWanted(argv: readonly string[], ownRedis: boolean): boolean {
  if (argv.includes('--no-demo')) return false;
  if (argv.includes('--demo')) return true;
  return ownRedis;
}

export function startDemoJobs(
  workerUrl: string,
  queue: Queue,
  log: (line: string) => void,
): DemoJobs {
  let n = 0;
  let failures = 0;
  const tick = async () => {
    n++;
    const specs = due(n);
    try {
      if (specs.length > 0) {
        const res = await fetch(`${workerUrl}/job`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(specs),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`POST /job answered ${res.status}`);
      }
      // A custom backoff is a function, so it cannot travel over HTTP: made with the core API.
      if (n % 28 === 7) {
        await queue
          .create('report', { title: 'monthly report' })
          .attempts(3)
          .backoff((attempt) => 1_000 * attempt)
          .save();
      }
      failures = 0;
    } catch (error) {
      if (failures++ % 40 === 0) log(`demo jobs: ${String(error)}`);
    }
  };
  const timer = setInterval(() => void tick(), 250);
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
