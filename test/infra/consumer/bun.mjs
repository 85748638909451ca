// The packed edgekue in Bun, from this project's node_modules: edgekue/bun's server.
import { startBunServer } from 'edgekue/bun';
import { serveCheck } from './serve-check.mjs';

console.log(JSON.stringify(await serveCheck(startBunServer, process.argv.slice(2))));
