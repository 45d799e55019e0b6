// A log that passes at most a few lines a second and counts the rest: a client spraying garbage at rm.sock
// must not turn the daemon's stderr into its bottleneck, nor bury the lines around it.

export interface RateLimitedLog {
  (line: string): void;
  /** Writes the count of lines held back so far, if any (at stop). */
  flush(): void;
}

export interface RateLimitOptions {
  readonly linesPerWindow?: number;
  readonly windowMs?: number;
  /** The clock, in ms; tests pass a fake one. */
  readonly now?: () => number;
}

export function rateLimitedLog(log: (line: string) => void, opts: RateLimitOptions = {}): RateLimitedLog {
  const limit = opts.linesPerWindow ?? 20;
  const windowMs = opts.windowMs ?? 1000;
  const now = opts.now ?? (() => performance.now());
  let windowStart = now();
  let written = 0;
  let held = 0;
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (held > 0) log(`(${held} more line${held === 1 ? '' : 's'} not logged: over ${limit} in ${windowMs} ms)`);
    held = 0;
  };

  const limited = (line: string): void => {
    const t = now();
    if (t - windowStart >= windowMs) {
      flush();
      windowStart = t;
      written = 0;
    }
    if (written < limit) {
      written++;
      log(line);
      return;
    }
    held++;
    // Say how many were held back even if nothing is logged after them; unref'd so it never keeps the process up.
    if (timer === undefined && opts.now === undefined) {
      timer = setTimeout(flush, Math.max(0, windowMs - (t - windowStart)));
      timer.unref();
    }
  };
  return Object.assign(limited, { flush });
}
