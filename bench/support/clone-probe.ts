// Child process of bench/clone.ts, so each memory figure starts from a fresh heap: one burst of clones
// (bench/support/clone-burst.ts), or the RSS of empty node Workers (bench/support/worker-rss.ts).
// Usage: clone-probe.js fixed|pool COUNT MEM_MIB SNAPSHOT_DIR WORK_DIR RESTORED_LINE TIMEOUT_MS | empty N.
// Prints one line on stdout: CLONE-PROBE {Burst or RssFields as JSON}; a failure goes to stderr, exit non-zero.

import { loadBothy } from './bothy-vm.js';
import { CLONE_PROBE_TAG, isPoolKind, runBurst } from './clone-burst.js';
import { emptyWorkerRss } from './worker-rss.js';

const args = process.argv.slice(2);
const [mode] = args;
let result: unknown;
if (mode === 'empty') {
  result = await emptyWorkerRss(Number(args[1]));
} else if (isPoolKind(mode) && args.length === 7) {
  const [, count, memMiB, snapshot, work, restoredLine, timeoutMs] = args as [string, string, string, string, string, string, string];
  result = await runBurst(await loadBothy(), { kind: mode, snapshot, work, restoredLine, count: Number(count), memMiB: Number(memMiB), timeoutMs: Number(timeoutMs) });
} else {
  process.stderr.write(`clone-probe: usage: clone-probe.js fixed|pool COUNT MEM_MIB SNAPSHOT_DIR WORK_DIR RESTORED_LINE TIMEOUT_MS | empty N (got: ${args.join(' ')})\n`);
  process.exit(2);
}
process.stdout.write(`${CLONE_PROBE_TAG}${JSON.stringify(result)}\n`);
// Workers the pool was still starting may hold the event loop.
process.exit(0);
