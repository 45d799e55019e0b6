// (f) Hypercall round trip: the hcbench micro-guest makes N SMCCC_VERSION calls through the port-I/O
// doorbell (call → bothy reads the registers from kvm_run's sync regs, dispatches, writes x0..x3 back →
// guest reads the result), against N plain `outb` exits to port 0x80 from a loop of the same instructions
// (ring-0 code is emulated here at ~1 µs an instruction), in the same run.
// Each mode runs two counts; the cost is Δt / ΔN, so start-up, boot and exit cancel out.

import { BOTHY_CLI, guestElf } from '../test/support/bothy-process.js';
import type { BenchResult, BenchRow } from './support/bench-result.js';
import { BenchError, tail } from './support/bench-error.js';
import { skipReason } from './support/requirements.js';
import { spread, fmt, fmtSpread } from './support/stats.js';
import { textTable } from './support/text-table.js';
import { timedSpawn, type TimedRun } from './support/timed-spawn.js';

export interface HypercallBenchOptions {
  readonly counts: readonly [number, number];
  readonly reps: number;
}

export const HYPERCALL_DEFAULTS: HypercallBenchOptions = { counts: [50_000, 250_000], reps: 5 };
export const HYPERCALL_QUICK: HypercallBenchOptions = { counts: [10_000, 50_000], reps: 1 };

type Mode = 'hvc' | 'out';
const killAfterMs = (n: number): number => 30_000 + n * 0.2;

async function runOnce(mode: Mode, n: number): Promise<TimedRun> {
  const cmdline = `mode=${mode} count=${n}`;
  const watchdogS = String(Math.ceil(killAfterMs(n) / 1000));
  const r = await timedSpawn(process.execPath, [BOTHY_CLI, 'run', '--kernel', guestElf('hcbench'), '--cmdline', cmdline, '--quiet', '--timeout', watchdogS], { killAfterMs: killAfterMs(n) });
  if (r.killed) throw new BenchError('did-not-exit', `hcbench ${cmdline} was still running after ${killAfterMs(n)} ms and was killed`);
  if (r.code !== 0) throw new BenchError('run-failed', `hcbench ${cmdline} ended with ${r.code ?? r.signal}:\n${tail(r.stderr || r.stdout)}`);
  if (!r.stdout.includes('hcbench: done')) throw new BenchError('unexpected-output', `hcbench ${cmdline} did not print 'hcbench: done':\n${tail(r.stdout)}`);
  return r;
}

export async function hypercallBench(opts: HypercallBenchOptions = HYPERCALL_DEFAULTS, log: (line: string) => void = console.log): Promise<BenchResult> {
  const name = 'hypercall';
  const why = await skipReason(['kvm', 'gcc'], ['hcbench']);
  if (why) return { kind: 'skipped', name, reason: why };
  const started = performance.now();
  const [lo, hi] = opts.counts;
  const dn = hi - lo;
  log(`hypercall: SMCCC_VERSION round trips vs plain outb exits, hcbench.elf, counts ${lo}/${hi} (ΔN = ${dn}), ${opts.reps} reps`);
  const us: Record<Mode, number[]> = { hvc: [], out: [] };
  const ratios: number[] = [];
  for (let rep = 1; rep <= opts.reps; rep++) {
    // Alternating order, so a noisy spell of the host hits both modes alike.
    const order: readonly Mode[] = rep % 2 ? ['hvc', 'out'] : ['out', 'hvc'];
    const per: Partial<Record<Mode, number>> = {};
    for (const m of order) {
      const a = await runOnce(m, lo);
      const b = await runOnce(m, hi);
      per[m] = ((b.exitMs - a.exitMs) * 1000) / dn;
      us[m].push(per[m]);
    }
    ratios.push(per.hvc! / per.out!);
    log(`  rep ${rep}: hypercall ${fmt(per.hvc!, 2)} µs, plain exit ${fmt(per.out!, 2)} µs, ratio ${fmt(per.hvc! / per.out!, 2)}`);
  }
  const h = spread(us.hvc);
  const o = spread(us.out);
  const r = spread(ratios);
  log(textTable(['median (min–max)', 'hypercall', 'plain port exit'], [['wall µs per round trip', fmtSpread(h, 'µs', 2), fmtSpread(o, 'µs', 2)]]));
  const rows: BenchRow[] = [
    { metric: 'µs per call (Δt/ΔN); ratio: median of per-rep ratios', bothy: `${fmt(h.median, 2)} µs`, baseline: `${fmt(o.median, 2)} µs`, ratio: r.median, goal: { op: '<=', value: 1.3 } },
  ];
  return { kind: 'done', name, baseline: 'plain port-I/O exit', seconds: (performance.now() - started) / 1000, rows };
}
