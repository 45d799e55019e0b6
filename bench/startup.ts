// (b) Startup: process spawn → first byte on stdout → process exit, for `bothy run` of the demo guest (its
// 64-bit entry and --boot pvh) against QEMU's microvm booting the same ELF through PVH, plus a breakdown of
// bothy's time measured from outside src/ (bare node, koffi alone, a probe process, strace). ~30 s.

import { fileURLToPath } from 'node:url';
import { BOTHY_CLI, guestElf } from '../test/support/bothy-process.js';
import { assertNever } from '../src/binary/assert-never.js';
import type { BenchResult, BenchRow } from './support/bench-result.js';
import { BenchError, tail } from './support/bench-error.js';
import { buildExitHost } from './support/c-host.js';
import { QEMU, hasTool, skipReason } from './support/requirements.js';
import { straceBothy, PHASE_LABELS, type PhaseName, type Phases } from './support/strace-phases.js';
import { qemuDemoArgs } from './support/qemu-demo.js';
import { spread, fmt, fmtSpread, median, type Spread } from './support/stats.js';
import { textTable } from './support/text-table.js';
import { timedSpawn, type TimedRun } from './support/timed-spawn.js';

export interface StartupOptions {
  readonly reps: number;
}

export const STARTUP_DEFAULTS: StartupOptions = { reps: 5 };
export const STARTUP_QUICK: StartupOptions = { reps: 1 };

/** The line bench/support/startup-probe.ts prints its marks on. */
const PROBE_TAG = 'STARTUP-PROBE ';
const KILL_AFTER_MS = 30_000;
const POWERED_OFF = 'demo: powering off';
const S5_IGNORED = 'poweroff: still running after the S5 write';

type Config = 'bothy' | 'bothy-pvh' | 'qemu' | 'c-host' | 'node' | 'node-koffi' | 'probe-vm' | 'probe-worker-none' | 'probe-worker-koffi' | 'probe-worker';
const CONFIGS: readonly Config[] = [
  'bothy', 'bothy-pvh', 'qemu', 'c-host', 'node', 'node-koffi', 'probe-vm', 'probe-worker-none', 'probe-worker-koffi', 'probe-worker',
];

const LABELS: Record<Config, string> = {
  'bothy': 'bothy run (64-bit entry)',
  'bothy-pvh': 'bothy run --boot pvh',
  'qemu': 'QEMU microvm (PVH)',
  'c-host': 'C exit-host (64-bit entry)',
  'node': 'node -e 0',
  'node-koffi': "node: import('koffi')",
  'probe-vm': 'probe: bothy modules + Vm.start',
  'probe-worker-none': 'probe: modules + an empty worker',
  'probe-worker-koffi': 'probe: modules + a worker loading koffi',
  'probe-worker': "probe: modules + a worker loading the vCPU worker's imports",
};

interface Commands {
  readonly demo: string;
  readonly exitHost: string;
  readonly koffiUrl: string;
  readonly probe: string;
}

function command(c: Config, k: Commands): [string, string[]] {
  const node = process.execPath;
  switch (c) {
    case 'bothy': return [node, [BOTHY_CLI, 'run', '--kernel', k.demo, '--cmdline', '', '--quiet']];
    case 'bothy-pvh': return [node, [BOTHY_CLI, 'run', '--kernel', k.demo, '--cmdline', '', '--quiet', '--boot', 'pvh']];
    case 'qemu': return [QEMU, qemuDemoArgs(k.demo)];
    case 'c-host': return [k.exitHost, [k.demo]];
    case 'node': return [node, ['-e', '0']];
    case 'node-koffi': return [node, ['--input-type=module', '-e', `await import(${JSON.stringify(k.koffiUrl)})`]];
    case 'probe-vm': return [node, [k.probe, 'vm', k.demo]];
    case 'probe-worker-none': return [node, [k.probe, 'worker', 'none']];
    case 'probe-worker-koffi': return [node, [k.probe, 'worker', 'koffi']];
    case 'probe-worker': return [node, [k.probe, 'worker', 'all']];
    default: return assertNever(c, 'startup config');
  }
}

/** How each run must end for its times to count. */
function check(c: Config, r: TimedRun): void {
  const what = LABELS[c];
  if (r.killed) {
    const hint = c === 'qemu' ? ' (QEMU did not power off after the guest wrote the ACPI sleep register)' : '';
    throw new BenchError('did-not-exit', `${what} was still running after ${KILL_AFTER_MS} ms${hint}:\n${tail(r.stdout)}`);
  }
  // Without an FADT the demo falls back to the test-exit port with EXIT_POWEROFF_FAILED (2).
  const code = c === 'c-host' ? 2 : 0;
  if (r.code !== code) throw new BenchError('run-failed', `${what} ended with ${r.code ?? r.signal}, expected ${code}:\n${tail(r.stderr || r.stdout)}`);
  const guest = c === 'bothy' || c === 'bothy-pvh' || c === 'qemu' || c === 'c-host' || c === 'probe-vm';
  if (guest && !r.stdout.includes(POWERED_OFF)) throw new BenchError('unexpected-output', `${what} never printed '${POWERED_OFF}':\n${tail(r.stdout)}`);
  // The demo says so when the VMM ignored its S5 write (and then reports failure on the test port).
  if (r.stdout.includes(S5_IGNORED)) throw new BenchError('did-not-exit', `${what} did not power off on the ACPI S5 write:\n${tail(r.stdout)}`);
  if (c.startsWith('probe') && !r.stderr.includes(PROBE_TAG)) throw new BenchError('unexpected-output', `${what} printed no marks:\n${tail(r.stderr)}`);
}

function isProbe(c: Config): boolean {
  return c.startsWith('probe');
}

function probeMarks(r: TimedRun): Record<string, number> {
  const line = r.stderr.split('\n').find((l) => l.startsWith(PROBE_TAG))!;
  return JSON.parse(line.slice(PROBE_TAG.length)) as Record<string, number>;
}

export async function startupBench(opts: StartupOptions = STARTUP_DEFAULTS, log: (line: string) => void = console.log): Promise<BenchResult> {
  const name = 'startup';
  const why = await skipReason(['kvm', 'gcc', 'qemu'], ['demo']);
  if (why) return { kind: 'skipped', name, reason: why };
  const started = performance.now();
  const k: Commands = {
    demo: guestElf('demo'),
    exitHost: await buildExitHost(),
    koffiUrl: import.meta.resolve('koffi'),
    probe: fileURLToPath(new URL('./support/startup-probe.js', import.meta.url)),
  };
  log(`startup: spawn → first stdout byte → exit, demo.elf, ${opts.reps} reps of each, interleaved`);

  const runs = new Map<Config, TimedRun[]>(CONFIGS.map((c) => [c, []]));
  // The probes use bothy's modules directly, so an API change there can break them: that loses the
  // breakdown, not the comparison.
  let probeFailure: string | undefined;
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const c of CONFIGS) {
      if (isProbe(c) && probeFailure !== undefined) continue;
      const [cmd, args] = command(c, k);
      const r = await timedSpawn(cmd, args, { killAfterMs: KILL_AFTER_MS });
      try {
        check(c, r);
      } catch (e) {
        if (!isProbe(c) || !(e instanceof BenchError)) throw e;
        probeFailure = e.message;
        continue;
      }
      runs.get(c)!.push(r);
    }
  }
  const of = (c: Config, f: (r: TimedRun) => number): Spread => spread(runs.get(c)!.map(f));
  const exit = (c: Config): Spread => of(c, (r) => r.exitMs);
  const first = (c: Config): Spread => of(c, (r) => r.firstByteMs ?? NaN);
  log(
    textTable(['median (min–max)', 'first byte', 'exit', 'user CPU', 'sys CPU'], CONFIGS.filter((c) => runs.get(c)!.length > 0).map((c) => [
      LABELS[c],
      runs.get(c)![0]!.firstByteMs === undefined ? '-' : fmtSpread(first(c), 'ms', 0),
      fmtSpread(exit(c), 'ms', 0),
      `${fmt(of(c, (r) => r.userMs).median, 0)} ms`,
      `${fmt(of(c, (r) => r.sysMs).median, 0)} ms`,
    ])),
  );

  if (probeFailure !== undefined) {
    log(`bothy startup breakdown by probe: unavailable, a probe failed: ${probeFailure}`);
  } else {
    // Breakdown of `bothy run`, from the probe's marks (epoch ms) and the parent's spawn/first-byte/exit.
    const vmRuns = runs.get('probe-vm')!;
    const phase = (rs: TimedRun[], f: (m: Record<string, number>, r: TimedRun) => number): number => median(rs.map((r) => f(probeMarks(r), r)));
    const firstByteAt = (r: TimedRun): number => r.spawnedAt + (r.firstByteMs ?? NaN);
    const toFirstByte = phase(vmRuns, (m, r) => firstByteAt(r) - m['vmStarted']!);
    const worker = (c: Config): number => phase(runs.get(c)!, (m) => m['workerMessage']! - m['workerSpawn']!);
    const [workerNone, workerKoffi, workerAll] = [worker('probe-worker-none'), worker('probe-worker-koffi'), worker('probe-worker')];
    const breakdown: [string, number][] = [
      ['spawn → node ready to run the script (node bootstrap)', phase(vmRuns, (m, r) => m['script']! - r.spawnedAt)],
      ["import('koffi') (ESM loader + dlopen of koffi's addon)", phase(vmRuns, (m) => m['koffi']! - m['script']!)],
      ["import('commander') (the CLI's argv parser)", phase(vmRuns, (m) => m['commander']! - m['koffi']!)],
      ["import the rest of what bothy's CLI imports (cli/, vm/, kvm/, devices/, firmware/, snapshot/…)", phase(vmRuns, (m) => m['modules']! - m['commander']!)],
      ['VM config (reads the ELF)', phase(vmRuns, (m) => m['config']! - m['modules']!)],
      ['Vm.start: buildVm (KVM VM, irqchip, 256 MiB memfd, ELF, ACPI, page tables, vCPU fd) + new Worker', phase(vmRuns, (m) => m['vmStarted']! - m['config']!)],
      ['Vm.start → first guest byte on stdout', toFirstByte],
      ['  of which: an empty worker, new Worker → its first message (isolate + node bootstrap)', workerNone],
      ['  of which: koffi loaded again in that isolate', workerKoffi - workerNone],
      ["  of which: the rest of the vCPU worker's module graph", workerAll - workerKoffi],
      ['  of which: the rest (vCPU ioctls, guest init to its first byte: see the strace table)', toFirstByte - workerAll],
      ['first byte → VM exited (guest prints ~600 bytes, ACPI S5, teardown)', phase(vmRuns, (m, r) => m['vmExited']! - firstByteAt(r))],
      ['VM exited → process reaped (exit, unmapping, KVM VM destruction)', phase(vmRuns, (m, r) => r.spawnedAt + r.exitMs - m['vmExited']!)],
    ];
    log('bothy startup breakdown (medians, from a probe process that does what `bothy run` does):');
    log(textTable(['phase', 'ms'], breakdown.map(([p, ms]) => [p, fmt(ms, 1)])));
    log(`  probe total ${fmt(exit('probe-vm').median, 0)} ms vs bothy run ${fmt(exit('bothy').median, 0)} ms; ` +
      `node -e 0 alone ${fmt(exit('node').median, 0)} ms, node + koffi ${fmt(exit('node-koffi').median, 0)} ms`);
  }

  if (hasTool('strace')) {
    const traced: Phases[] = [];
    for (let i = 0; i < opts.reps; i++) {
      const p = await straceBothy(command('bothy', k)[1], KILL_AFTER_MS);
      if (p) traced.push(p);
    }
    log(`bothy run under strace (${traced.length}/${opts.reps} runs had every marker; medians; the trace slows the guest part):`);
    if (traced.length) {
      const names = Object.keys(PHASE_LABELS) as PhaseName[];
      log(textTable(['phase', 'ms'], names.map((n) => [PHASE_LABELS[n], fmt(median(traced.map((p) => p[n])), 1)])));
    }
  } else {
    log('bothy run under strace: skipped (strace is not installed)');
  }

  const row = (metric: string, c: Config, base: Config, f: (c: Config) => Spread, goal?: BenchRow['goal']): BenchRow => ({
    metric,
    bothy: `${fmt(f(c).median, 0)} ms`,
    baseline: `${fmt(f(base).median, 0)} ms`,
    ratio: f(c).median / f(base).median,
    ...(goal ? { goal } : {}),
  });
  const rows: BenchRow[] = [
    row('spawn → exit, demo (64-bit entry)', 'bothy', 'qemu', exit, { op: '<=', value: 0.5 }),
    row('spawn → exit, demo --boot pvh', 'bothy-pvh', 'qemu', exit, { op: '<=', value: 0.5 }),
    row('spawn → first byte, demo', 'bothy', 'qemu', first),
  ];
  return { kind: 'done', name, baseline: 'QEMU microvm', seconds: (performance.now() - started) / 1000, rows };
}
