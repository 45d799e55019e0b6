// (c) Memory of an idle 1-vCPU 256 MiB guest: the demo guest with `idle` (PIT ticks, HLT in between), sampled
// once it has printed "tick 2", from /proc/<pid>/status (VmRSS, RssAnon/File/Shmem) and /proc/<pid>/smaps
// (guest RAM mappings told apart by their size, as Firecracker's memory-overhead test does). bothy against
// QEMU microvm; the C exit-host is a floor. Also the CPU each uses while the guest idles. ~40 s.

import { BOTHY_CLI, guestElf } from '../test/support/bothy-process.js';
import { assertNever } from '../src/binary/assert-never.js';
import type { BenchResult, BenchRow } from './support/bench-result.js';
import { BenchError, tail } from './support/bench-error.js';
import { buildExitHost } from './support/c-host.js';
import { QEMU, skipReason } from './support/requirements.js';
import { spread, fmt, fmtSpread } from './support/stats.js';
import { textTable } from './support/text-table.js';
import { timedSpawn, ticksPerSecond } from './support/timed-spawn.js';
import { procMemory, cpuTicks, type ProcMemory } from './support/proc-memory.js';
import { qemuDemoArgs } from './support/qemu-demo.js';

export interface IdleRssOptions {
  readonly reps: number;
}

export const IDLE_RSS_DEFAULTS: IdleRssOptions = { reps: 3 };
export const IDLE_RSS_QUICK: IdleRssOptions = { reps: 1 };

const MEM_MIB = 256;
const SAMPLE_AFTER = 'tick 2\n';
/** Idle CPU is measured from SAMPLE_AFTER to this line (two seconds of 100 Hz PIT ticks and HLT). */
const STOP_AFTER = 'tick 4\n';
const KILL_AFTER_MS = 30_000;

type Host = 'bothy' | 'qemu' | 'c-host';
const HOSTS: readonly Host[] = ['bothy', 'qemu', 'c-host'];
const LABELS: Record<Host, string> = { 'bothy': 'bothy', 'qemu': 'QEMU microvm', 'c-host': 'C exit-host' };

interface MemSample extends ProcMemory {
  /** CPU time used while idle, as a percentage of one CPU, between SAMPLE_AFTER and STOP_AFTER. */
  readonly idleCpuPercent: number;
}

const FIELDS = ['VmRSS', 'RssAnon', 'RssFile', 'RssShmem', 'Pss', 'guestRss', 'Threads'] as const;
const GUEST_KB = MEM_MIB * 1024;

function command(h: Host, demo: string, exitHost: string): [string, string[]] {
  switch (h) {
    case 'bothy': return [process.execPath, [BOTHY_CLI, 'run', '--kernel', demo, '--cmdline', 'idle', '--mem', `${MEM_MIB}M`, '--quiet']];
    case 'qemu': return [QEMU, qemuDemoArgs(demo, 'idle')];
    case 'c-host': return [exitHost, ['-m', String(MEM_MIB), demo, 'idle']];
    default: return assertNever(h, 'host');
  }
}

async function measure(h: Host, demo: string, exitHost: string): Promise<MemSample> {
  const [cmd, args] = command(h, demo, exitHost);
  let mem: ProcMemory | undefined;
  let cpu0: { readonly ticks: number; readonly at: number } | undefined;
  let idleCpuPercent: number | undefined;
  let sampleError: unknown;
  const r = await timedSpawn(cmd, args, {
    killAfterMs: KILL_AFTER_MS,
    onStdout: (soFar, child) => {
      if (idleCpuPercent !== undefined || sampleError !== undefined) return;
      const out = soFar.replaceAll('\r', '');
      try {
        if (mem === undefined && out.includes(SAMPLE_AFTER)) {
          mem = procMemory(child.pid!, GUEST_KB);
          cpu0 = { ticks: cpuTicks(child.pid!), at: performance.now() };
        } else if (cpu0 !== undefined && out.includes(STOP_AFTER)) {
          const used = ((cpuTicks(child.pid!) - cpu0.ticks) * 1000) / ticksPerSecond();
          idleCpuPercent = (100 * used) / (performance.now() - cpu0.at);
        } else return;
      } catch (e) {
        sampleError = e;
      }
      if (idleCpuPercent !== undefined || sampleError !== undefined) child.kill('SIGINT');
    },
  });
  if (sampleError !== undefined) throw new BenchError('run-failed', `${LABELS[h]}: reading /proc failed: ${(sampleError as Error).message}`);
  if (mem === undefined || idleCpuPercent === undefined) throw new BenchError('unexpected-output', `${LABELS[h]} never printed '${(mem ? STOP_AFTER : SAMPLE_AFTER).trim()}' (${r.killed ? 'killed by the watchdog' : `exit ${r.code ?? r.signal}`}):\n${tail(r.stdout + r.stderr)}`);
  if (r.killed) throw new BenchError('did-not-exit', `${LABELS[h]} did not stop on SIGINT within ${KILL_AFTER_MS} ms`);
  return { ...mem, idleCpuPercent };
}

export async function idleRssBench(opts: IdleRssOptions = IDLE_RSS_DEFAULTS, log: (line: string) => void = console.log): Promise<BenchResult> {
  const name = 'idle-rss';
  const why = await skipReason(['kvm', 'gcc', 'qemu'], ['demo']);
  if (why) return { kind: 'skipped', name, reason: why };
  const started = performance.now();
  const demo = guestElf('demo');
  const exitHost = await buildExitHost();
  log(`idle-rss: demo.elf idle, 1 vCPU, ${MEM_MIB} MiB, memory sampled at "${SAMPLE_AFTER.trim()}", idle CPU until "${STOP_AFTER.trim()}", then SIGINT; ${opts.reps} reps`);

  const samples: Record<Host, MemSample[]> = { 'bothy': [], 'qemu': [], 'c-host': [] };
  for (let rep = 0; rep < opts.reps; rep++) for (const h of HOSTS) samples[h].push(await measure(h, demo, exitHost));

  const med = (h: Host, f: (s: MemSample) => number): number => spread(samples[h].map(f)).median;
  const mib = (kb: number): string => `${fmt(kb / 1024, 1)} MiB`;
  const overhead = (s: MemSample): number => s.VmRSS - s.guestRss;
  const rows = FIELDS.map((f) => [f === 'guestRss' ? 'guest RAM mappings Rss' : f, ...HOSTS.map((h) => (f === 'Threads' ? fmt(med(h, (s) => s[f]), 0) : mib(med(h, (s) => s[f]))))]);
  rows.push(['VmRSS − guest RAM', ...HOSTS.map((h) => mib(med(h, overhead)))]);
  rows.push(['guest RAM mappings', ...HOSTS.map((h) => fmt(med(h, (s) => s.guestMappings), 0))]);
  rows.push(['idle CPU (tick 2 → tick 4)', ...HOSTS.map((h) => `${fmt(med(h, (s) => s.idleCpuPercent), 1)} %`)]);
  log(textTable(['median', ...HOSTS.map((h) => LABELS[h])], rows));
  log("  Pss splits shared pages between processes: node's text is shared with the bench runner (also node), which flatters bothy.");
  log(`  VmRSS spread: ${HOSTS.map((h) => `${LABELS[h]} ${fmtSpread(spread(samples[h].map((s) => s.VmRSS / 1024)), 'MiB')}`).join('; ')}`);

  const ratioRow = (metric: string, f: (s: MemSample) => number): BenchRow => ({
    metric,
    bothy: mib(med('bothy', f)),
    baseline: mib(med('qemu', f)),
    ratio: med('bothy', f) / med('qemu', f),
  });
  const result: BenchRow[] = [
    ratioRow('idle VmRSS, 1 vCPU 256 MiB', (s) => s.VmRSS),
    ratioRow('idle VmRSS − guest RAM (VMM overhead)', overhead),
    {
      metric: 'idle CPU, % of one CPU',
      bothy: `${fmt(med('bothy', (s) => s.idleCpuPercent), 1)} %`,
      baseline: `${fmt(med('qemu', (s) => s.idleCpuPercent), 1)} %`,
      ratio: med('bothy', (s) => s.idleCpuPercent) / med('qemu', (s) => s.idleCpuPercent),
    },
  ];
  return { kind: 'done', name, baseline: 'QEMU microvm', seconds: (performance.now() - started) / 1000, rows: result };
}
