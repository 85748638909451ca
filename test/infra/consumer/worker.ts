// A Worker of its own on the packed edgekue: `edgekue/cloudflare` with its own handlers.
import { createWorker, HandlerRegistry } from 'edgekue/cloudflare';

const registry = new HandlerRegistry();
registry.process('shout', async (job) => (job.data as { text: string }).text.toUpperCase());

export default createWorker(registry);
