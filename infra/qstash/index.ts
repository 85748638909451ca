// A local QStash stand-in (publish, delayed delivery, signatures, retries) for npm start and tests.
export { dueAt, parseDelay } from './delay.js';
export { type QStashOptions, QStashOptionsSchema } from './options.js';
export { type QStashHandle, type QStashStats, startQStash } from './server.js';
export { bodyHash, qstashSignature, type SignatureInput } from './sign.js';
