// (a) Exit cost: bothy against a minimal C KVM host (bench/c/exit-host.c) running the same exit-bench
// micro-guest (N `outb` to port 0x80 at ring 0, one VM exit each). Each host runs two counts and the rate
// is ΔN / Δt, so process start, VM build and guest boot cancel out. ~80 s with the defaults.

import { BOTHY_CLI, guestElf } from '../test/support/bothy-process.js';
import type { BenchResult, BenchRow } from './support/bench-result.js';
import { BenchError, tail } from './support/bench-error.js';
import { buildExitHost } from './support/c-host.js';
import { skipReason } from './support/requirements.js';
import { spread, fmt, fmtSpread, type Spread } from './support/stats.js';
import { textTable } from './support/text-table.js';
import { timedSpawn, type TimedRun } from './support/timed-spawn.js';

export interface ExitCostOptions {
  /** The two exit counts; their difference is what the rate is measured over. */
  readonly counts: readonly [number, number];
  readonly reps: number;
}

export const EXIT_COST_DEFAULTS: ExitCostOptions = { counts: [100_000, 600_000], reps: 5 };
/** A quick pass (BOTHY_BENCH_QUICK=1) that only checks the bench works: ~8 s, figures are noisy. */
export const EXIT_COST_QUICK: ExitCostOptions = { counts: [20_000, 100_000], reps: 1 };

type Host = 'bothy' | 'c';

interface HostSample {
  readonly lowMs: number;
  readonly highMs: number;
  readonly exitsPerS: number;
  readonly usPerExit: number;
  readonly userUsPerExit: number;
  readonly sysUsPerExit: number;
}

/** Generous: this host manages ~100 K exits/s; a host 20× slower still finishes. */
const killAfterMs = (n: number): number => 30_000 + n * 0.2;

async function runOnce(host: Host, exitHost: string, n: number): Promise<TimedRun> {
  const elf = guestElf('exit-bench');
  const cmdline = `count=${n}`;
  const watchdogS = String(Math.ceil(killAfterMs(n) / 1000));
  const r =
    host === 'bothy'
      ? await timedSpawn(process.execPath, [BOTHY_CLI, 'run', '--kernel', elf, '--cmdline', cmdline, '--quiet', '--timeout', watchdogS], { killAfterMs: killAfterMs(n) })
      : await timedSpawn(exitHost, ['-t', watchdogS, elf, cmdline], { killAfterMs: killAfterMs(n) });
  const who = host === 'bothy' ? 'bothy' : 'exit-host';
  if (r.killed) throw new BenchError('did-not-exit', `${who} with ${cmdline} was still running after ${killAfterMs(n)} ms and was killed`);
  if (r.code !== 0) throw new BenchError('run-failed', `${who} with ${cmdline} ended with ${r.code ?? r.signal}:\n${tail(r.stderr || r.stdout)}`);
  if (!r.stdout.includes('exit-bench: done')) throw new BenchError('unexpected-output', `${who} with ${cmdline} did not print 'exit-bench: done':\n${tail(r.stdout)}`);
  return r;
}

function sample(low: TimedRun, high: TimedRun, dn: number): HostSample {
  const dt = high.exitMs - low.exitMs;
  return {
    lowMs: low.exitMs,
    highMs: high.exitMs,
    exitsPerS: dn / (dt / 1000),
    usPerExit: (dt * 1000) / dn,
    userUsPerExit: ((high.userMs - low.userMs) * 1000) / dn,
    sysUsPerExit: ((high.sysMs - low.sysMs) * 1000) / dn,
  };
}

export async function exitCostBench(opts: ExitCostOptions = EXIT_COST_DEFAULTS, log: (line: string) => void = console.log): Promise<BenchResult> {
  const name = 'exit-cost';
  const why = await skipReason(['kvm', 'gcc'], ['exit-bench']);
  if (why) return { kind: 'skipped', name, reason: why };
  const started = performance.now();
  const exitHost = await buildExitHost();
  const [lo, hi] = opts.counts;
  const dn = hi - lo;
  log(`exit-cost: bothy vs C exit-host (${exitHost}), exit-bench.elf, counts ${lo}/${hi} (ΔN = ${dn}), ${opts.reps} reps`);

  const samples: Record<Host, HostSample[]> = { bothy: [], c: [] };
  for (let rep = 1; rep <= opts.reps; rep++) {
    // Interleaved, and who goes first alternates, so a noisy spell of the host hits both sides alike.
    const order: readonly Host[] = rep % 2 ? ['bothy', 'c'] : ['c', 'bothy'];
    const low: Partial<Record<Host, TimedRun>> = {};
    const high: Partial<Record<Host, TimedRun>> = {};
    for (const h of order) low[h] = await runOnce(h, exitHost, lo);
    for (const h of order) high[h] = await runOnce(h, exitHost, hi);
    const [bLow, bHigh, cLow, cHigh] = [low.bothy!, high.bothy!, low.c!, high.c!];
    const b = sample(bLow, bHigh, dn);
    const c = sample(cLow, cHigh, dn);
    samples.bothy.push(b);
    samples.c.push(c);
    log(
      `  rep ${rep}: bothy ${fmt(b.lowMs, 0)}/${fmt(b.highMs, 0)} ms → ${fmt(b.exitsPerS / 1000)} K exits/s; ` +
        `C ${fmt(c.lowMs, 0)}/${fmt(c.highMs, 0)} ms → ${fmt(c.exitsPerS / 1000)} K exits/s; bothy/C ${fmt(b.exitsPerS / c.exitsPerS, 2)}`,
    );
  }

  const of = (h: Host, k: keyof HostSample): Spread => spread(samples[h].map((s) => s[k]));
  const bRate = of('bothy', 'exitsPerS');
  const cRate = of('c', 'exitsPerS');
  const pairRatio = spread(samples.bothy.map((b, i) => b.exitsPerS / samples.c[i]!.exitsPerS));
  const cpu = (h: Host): Spread => spread(samples[h].map((s) => s.userUsPerExit + s.sysUsPerExit));
  const line = (label: string, k: keyof HostSample, unit: string, digits: number, scale = 1): string[] => {
    const b = of('bothy', k);
    const c = of('c', k);
    const sc = (s: Spread): Spread => ({ ...s, median: s.median * scale, min: s.min * scale, max: s.max * scale });
    return [label, fmtSpread(sc(b), unit, digits), fmtSpread(sc(c), unit, digits), fmt(b.median / c.median, 2)];
  };
  log(
    textTable(['median (min–max)', 'bothy', 'C exit-host', 'bothy/C'], [
      line('exit rate', 'exitsPerS', 'K/s', 1, 1 / 1000),
      line('wall per exit', 'usPerExit', 'µs', 2),
      line('user CPU per exit', 'userUsPerExit', 'µs', 3),
      line('sys CPU per exit', 'sysUsPerExit', 'µs', 3),
      line(`raw time, count=${lo}`, 'lowMs', 'ms', 0),
      line(`raw time, count=${hi}`, 'highMs', 'ms', 0),
    ]),
  );
  log(`  bothy/C exit rate within each rep: ${fmtSpread(pairRatio, '', 2)}`);
  const rows: BenchRow[] = [
    // The ratio is the median of each rep's own ratio: a rep's four runs follow each other within seconds,
    // so load from elsewhere on the machine cancels better than across the medians' runs.
    { metric: 'exits/s (ΔN/Δt); ratio: median of per-rep ratios', bothy: `${fmt(bRate.median / 1000)} K/s`, baseline: `${fmt(cRate.median / 1000)} K/s`, ratio: pairRatio.median, goal: { op: '>=', value: 0.9 } },
    {
      metric: 'wall µs per exit',
      bothy: fmt(of('bothy', 'usPerExit').median, 2),
      baseline: fmt(of('c', 'usPerExit').median, 2),
      ratio: of('bothy', 'usPerExit').median / of('c', 'usPerExit').median,
    },
    {
      metric: 'CPU µs per exit (user+sys)',
      bothy: `${fmt(cpu('bothy').median, 2)} (user ${fmt(of('bothy', 'userUsPerExit').median, 2)})`,
      baseline: `${fmt(cpu('c').median, 2)} (user ${fmt(of('c', 'userUsPerExit').median, 2)})`,
      ratio: cpu('bothy').median / cpu('c').median,
    },
  ];
  return { kind: 'done', name, baseline: 'C exit-host', seconds: (performance.now() - started) / 1000, rows };
}
