// `npm run bench` (node dist/bench/run.js [NAME...]): runs the named benches (all by default) in order, each
// against its baseline measured in the same run, then prints a summary of the ratios and their goals.
// BOTHY_BENCH_QUICK=1 runs each with fewer repetitions and counts (~1.5 min in all; noisy figures).

import { availableParallelism, loadavg } from 'node:os';
import type { BenchResult } from './support/bench-result.js';
import { goalMet } from './support/bench-result.js';
import { BenchError } from './support/bench-error.js';
import { textTable } from './support/text-table.js';
import { fmt } from './support/stats.js';
import { assertNever } from '../src/binary/assert-never.js';
import { exitCostBench, EXIT_COST_DEFAULTS, EXIT_COST_QUICK } from './exit-cost.js';
import { startupBench, STARTUP_DEFAULTS, STARTUP_QUICK } from './startup.js';
import { idleRssBench, IDLE_RSS_DEFAULTS, IDLE_RSS_QUICK } from './idle-rss.js';
import { restoreLatencyBench, RESTORE_LATENCY_DEFAULTS, RESTORE_LATENCY_QUICK } from './restore-latency.js';
import { cloneBench, CLONE_DEFAULTS, CLONE_QUICK } from './clone.js';
import { hypercallBench, HYPERCALL_DEFAULTS, HYPERCALL_QUICK } from './hypercall.js';
import { rmRpcBench, RM_RPC_DEFAULTS, RM_RPC_QUICK } from './rm-rpc.js';

const quick = process.env['BOTHY_BENCH_QUICK'] === '1';

const BENCHES: Record<string, { readonly about: string; readonly run: () => Promise<BenchResult> }> = {
  'exit-cost': { about: 'port-I/O exit rate vs a C KVM host (~80 s)', run: () => exitCostBench(quick ? EXIT_COST_QUICK : EXIT_COST_DEFAULTS) },
  'startup': { about: 'spawn → first byte → exit vs QEMU microvm (~30 s)', run: () => startupBench(quick ? STARTUP_QUICK : STARTUP_DEFAULTS) },
  'idle-rss': { about: 'RSS and CPU of an idle 256 MiB guest vs QEMU microvm (~40 s)', run: () => idleRssBench(quick ? IDLE_RSS_QUICK : IDLE_RSS_DEFAULTS) },
  'restore-latency': { about: 'snapshot restore → guest runs, warm and cold, 256 MiB and 2 GiB, vs QEMU -incoming (~25 s)', run: () => restoreLatencyBench(quick ? RESTORE_LATENCY_QUICK : RESTORE_LATENCY_DEFAULTS) },
  'hypercall': { about: 'SMCCC call round trip through the port doorbell vs a plain port exit (~60 s)', run: () => hypercallBench(quick ? HYPERCALL_QUICK : HYPERCALL_DEFAULTS) },
  'rm-rpc': { about: 'VM_GET_VMID round trip over a daemon\'s rm.sock vs a bare SOCK_SEQPACKET echo (~25 s)', run: () => rmRpcBench(quick ? RM_RPC_QUICK : RM_RPC_DEFAULTS) },
  'clone': { about: '32 clones of a 256 MiB snapshot in one process: time to all first exits, RSS per clone (~25 s)', run: () => cloneBench(quick ? CLONE_QUICK : CLONE_DEFAULTS) },
};

/** Other work on the machine skews every figure here (the host has few CPUs): say how busy it is. */
function loadNote(): string {
  const [one] = loadavg();
  const cpus = availableParallelism();
  const busy = one! > cpus * 0.5 ? ' — busy: figures from this bench are noisy, rerun when the machine is idle' : '';
  return `(load average ${fmt(one!, 2)} on ${cpus} CPUs${busy})`;
}

async function main(argv: readonly string[]): Promise<number> {
  const names = argv.length ? argv : Object.keys(BENCHES);
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length) {
    console.error(`bench: unknown bench ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${Object.entries(BENCHES).map(([n, b]) => `${n} (${b.about})`).join(', ')}`);
    return 2;
  }
  const results: BenchResult[] = [];
  for (const name of names) {
    console.log(`\n=== ${name}: ${BENCHES[name]!.about}${quick ? ' [quick]' : ''}`);
    console.log(loadNote());
    let r: BenchResult;
    try {
      r = await BENCHES[name]!.run();
    } catch (e) {
      if (!(e instanceof BenchError)) throw e;
      r = { kind: 'failed', name, message: `${e.code}: ${e.message}` };
    }
    if (r.kind === 'skipped') console.log(`${name}: skipped: ${r.reason}`);
    else if (r.kind === 'failed') console.log(`${name}: FAILED: ${r.message}`);
    else console.log(`${name}: done in ${fmt(r.seconds, 0)} s`);
    results.push(r);
  }

  const rows: string[][] = [];
  for (const r of results) {
    switch (r.kind) {
      case 'done':
        for (const row of r.rows) {
          const met = goalMet(row);
          const goal = row.goal ? `${row.goal.op} ${row.goal.value}` : '';
          rows.push([r.name, row.metric, row.bothy, `${row.baseline} (${r.baseline})`, row.ratio === undefined ? '-' : `${fmt(row.ratio, 2)}×`, goal, met === undefined ? '' : met ? 'met' : 'NOT met']);
        }
        break;
      case 'skipped':
        rows.push([r.name, `skipped: ${r.reason}`, '', '', '', '', '']);
        break;
      case 'failed':
        rows.push([r.name, `FAILED: ${r.message.split('\n')[0]}`, '', '', '', '', '']);
        break;
      default:
        assertNever(r, 'bench result');
    }
  }
  console.log('\n=== summary (ratio = bothy / baseline, measured in this run)');
  console.log(textTable(['bench', 'metric', 'bothy', 'baseline', 'ratio', 'goal', ''], rows));
  return results.some((r) => r.kind === 'failed') ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
