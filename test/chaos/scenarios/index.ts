import type { ScenarioReport, Size } from '../lib/report.js';
import { abuse } from './abuse/index.js';
import { bridgeFaults } from './bridge-faults.js';
import { burst } from './burst.js';
import { killedWorkers } from './killed-workers.js';
import { redisRestart } from './redis-restart.js';
import { soak } from './soak.js';

/** Every scenario by the name `npm run chaos -- <name>` takes. */
export const scenarios: Record<
  string,
  (size: Size, overrides: { seed?: number }) => Promise<ScenarioReport>
> = {
  'killed-workers': killedWorkers,
  'bridge-faults': bridgeFaults,
  'redis-restart': redisRestart,
  burst,
  soak,
  abuse,
};
