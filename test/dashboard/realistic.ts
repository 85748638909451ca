// A plausible queue for the README screenshot: several types, jobs queued, running with progress,
// delayed, complete and failed, and an hour of throughput history.
import type { Queue } from '../../core/index.js';
import { testRedis } from '../support/stack.js';
import { claim, settle } from './harness.js';

const people = ['tj', 'ana', 'li.wei', 'sam', 'noor', 'olu', 'mateo', 'yuki', 'priya', 'jonas'];

export async function seedRealistic(queue: Queue): Promise<void> {
  const jobs = [];
  for (let i = 0; i < 30; i++) {
    const who = people[i % people.length]!;
    jobs.push({
      type: 'email',
      data: {
        title: `Welcome email to ${who}@example.com`,
        to: `${who}@example.com`,
        template: 'welcome',
      },
      options: { attempts: 3, priority: i % 9 === 0 ? ('high' as const) : ('normal' as const) },
    });
    if (i % 2 === 0) {
      jobs.push({
        type: 'video.transcode',
        data: {
          title: `Transcode upload-${4100 + i}.mov to 1080p`,
          file: `uploads/${4100 + i}.mov`,
        },
        options: { attempts: 2 },
      });
    }
    if (i % 3 === 0) {
      jobs.push({
        type: 'invoice.pdf',
        data: {
          title: `Render invoice INV-2026-${String(310 + i).padStart(5, '0')}`,
          lines: 3 + (i % 5),
        },
      });
    }
    if (i % 4 === 0) {
      jobs.push({
        type: 'webhook',
        data: {
          title: `POST order.created to partner ${i + 1}`,
          url: `https://partner${i + 1}.example.com/hook`,
        },
        options: { delay: 90_000 * (i + 1), attempts: 5 },
      });
    }
  }
  await queue.createMany(jobs);

  for (let i = 0; i < 12; i++) {
    const id = await claim(queue, 'email', 'seed');
    await settle(queue, id, { result: { messageId: `<${id}@mail.example.com>` } }, 'seed');
  }
  for (let i = 0; i < 4; i++) {
    const id = await claim(queue, 'invoice.pdf', 'seed');
    if (i === 1 || i === 3) {
      const error =
        "TypeError: Cannot read properties of undefined (reading 'vatRate')\n    at renderTotals (invoice.ts:88:20)";
      await settle(queue, id, { error }, 'seed');
    } else await settle(queue, id, { result: { pages: 2 } }, 'seed');
  }
  for (const pct of [86, 64, 37, 12]) {
    const id = await claim(queue, 'video.transcode', 'seed');
    await queue.touch([
      { id, token: 'seed', progress: [pct], logs: ['probing input', 'encoding 1080p'] },
    ]);
  }
  for (const pct of [70, 25]) {
    const id = await claim(queue, 'email', 'seed');
    await queue.touch([{ id, token: 'seed', progress: [pct] }]);
  }

  // An hour of history for the throughput chart, as ack.lua counts it (one hash per minute).
  const redis = testRedis();
  const current = Math.floor(Date.now() / 60_000);
  for (let m = 1; m < 60; m++) {
    const wave = Math.round(40 + 25 * Math.sin(m / 6) + ((m * 37) % 17));
    const failed = m % 11 === 0 ? 4 : m % 5 === 0 ? 1 : 0;
    const key = queue.keys.throughput(current - m);
    await redis.hset(key, { complete: wave, failed });
    await redis.expire(key, 7_200);
  }
}
