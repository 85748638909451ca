// The packed edgekue in Deno, from this project's node_modules: edgekue/deno's server.
import { startDenoServer } from 'edgekue/deno';
import { serveCheck } from './serve-check.mjs';

console.log(JSON.stringify(await serveCheck(startDenoServer, Deno.args)));
