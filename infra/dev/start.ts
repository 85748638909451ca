// `npm start`: launches the local stack (./stack.ts) in its own process group and stops it on
// Ctrl-C. The stack watches a pipe from us rather than the terminal's signal: npm, the set-up
// runner and tsx each pass Ctrl-C on, and tsx may kill us outright when signals pile up; the
// stack still sees the pipe close, shuts down in order, and leaves no process behind.
//
//   npm start                 with demo jobs (on a Redis of its own)
//   npm start -- --no-demo    without them; --demo: with them on a database of yours too
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const stack = spawn(
  join(root, 'node_modules', '.bin', 'tsx'),
  [join(import.meta.dirname, 'stack.ts'), ...process.argv.slice(2)],
  { cwd: root, detached: true, stdio: ['pipe', 'inherit', 'inherit'] },
);

let asked = false;
const stop = () => {
  if (asked) return;
  asked = true;
  stack.stdin?.end();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
stack.stdin?.on('error', () => {});
stack.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
