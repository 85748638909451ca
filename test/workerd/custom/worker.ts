// A user's worker.ts: edgekue's Worker running the handlers registered here, and only these.
import { createWorker, HandlerRegistry } from '../../../functions/worker.js';

const registry = new HandlerRegistry();

registry.process('shout', 2, async (job) => {
  const { text } = job.data as { text: string };
  return text.toUpperCase();
});

export default createWorker(registry);
