import { api } from './api.js';
import { cards } from './cards.js';
import { detail } from './detail.js';
import { dom } from './dom.js';
import { keys } from './keys.js';
import { list } from './list.js';
import { live } from './live.js';
import { main } from './main.js';
import { side } from './side.js';

/** The dashboard's whole client script: its parts share one strict-mode scope. */
export const clientScript = [
  '(() => {',
  "'use strict';",
  dom,
  api,
  cards,
  detail,
  list,
  side,
  live,
  keys,
  main,
  '})();',
  '',
].join('\n');
