// A CommonJS program, as Kue's users wrote theirs: require() of the packed edgekue (an ES module,
// which Node loads with require since 20.19), prints what it got.
const { createQueue, Job } = require('edgekue');
const { HandlerRegistry } = require('edgekue/worker');

const queue = createQueue({ url: 'http://127.0.0.1:8079', token: 't' }, { prefix: 'q' });
const job = queue.create('email', { to: 'tj@example.com' }).priority('high').attempts(3);
const registry = new HandlerRegistry().process('email', 5, (_job, done) => done());
console.log(JSON.stringify([job instanceof Job, job.priority(), registry.claimTypes()]));
