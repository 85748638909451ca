// Plays Cloudflare's cron trigger for `wrangler dev`: `* * * * *` fires at the start of every
// minute (and once at start-up), through wrangler's /__scheduled test route.

export interface CronDriver {
  stop(): void;
}

export function driveCron(workerUrl: string, log: (line: string) => void): CronDriver {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const fire = async () => {
    try {
      const res = await fetch(`${workerUrl}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
      await res.arrayBuffer();
      if (!res.ok) log(`cron: /__scheduled answered ${res.status}`);
    } catch (error) {
      if (!stopped) log(`cron: ${String(error)}`);
    }
  };
  const next = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        void fire();
        next();
      },
      60_000 - (Date.now() % 60_000),
    );
  };
  void fire();
  next();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
