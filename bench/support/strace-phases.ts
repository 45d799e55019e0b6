// Where the startup time of one `bothy run` goes, read from outside the process: strace timestamps of the
// few syscalls that mark each phase (KVM_GET_API_VERSION, KVM_CREATE_VCPU, the vCPU thread's clone3, the
// first KVM_RUN, the first console byte, exit_group). --seccomp-bpf stops only on those calls, so the trace
// costs little before the guest runs; every KVM_RUN after that is traced, which slows the guest's own part.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timedSpawn } from './timed-spawn.js';

export type PhaseName = 'toKvmOpen' | 'vmBuild' | 'toWorkerThread' | 'workerToFirstRun' | 'guestToFirstByte' | 'firstByteToExitGroup' | 'exitGroupToReaped';

export type Phases = Readonly<Record<PhaseName, number>>;

export const PHASE_LABELS: Readonly<Record<PhaseName, string>> = {
  toKvmOpen: 'spawn → /dev/kvm opened (node bootstrap, module graph, argv, reading the ELF)',
  vmBuild: '/dev/kvm → KVM_CREATE_VCPU (buildVm: VM, irqchip, PIT, memory, ELF, ACPI, tables)',
  toWorkerThread: 'KVM_CREATE_VCPU → vCPU thread created (Vm constructor, new Worker)',
  workerToFirstRun: 'vCPU thread created → first KVM_RUN (isolate, module graph, vCPU ioctls)',
  guestToFirstByte: 'first KVM_RUN → first console byte (guest runtime init, ACPI walk)',
  firstByteToExitGroup: 'first byte → exit_group (guest output, S5, stop, teardown)',
  exitGroupToReaped: 'exit_group → process reaped (address space, KVM VM destruction)',
};

interface Call {
  readonly pid: number;
  readonly at: number;
  readonly text: string;
}

function parse(trace: string): Call[] {
  const calls: Call[] = [];
  for (const line of trace.split('\n')) {
    const m = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/.exec(line);
    if (m) calls.push({ pid: Number(m[1]), at: Number(m[2]) * 1000, text: m[3]! });
  }
  return calls;
}

/**
 * The phases of one traced run: `trace` is strace -f -ttt output, `spawnedAt` and `reapedAt` the parent's
 * epoch milliseconds. Undefined when a marker is missing (the process failed before the guest printed).
 */
export function phasesFromTrace(trace: string, spawnedAt: number, reapedAt: number): Phases | undefined {
  const calls = parse(trace);
  const first = (re: RegExp, pid?: number): Call | undefined => calls.find((c) => re.test(c.text) && (pid === undefined || c.pid === pid));
  const kvmOpen = first(/KVM_GET_API_VERSION/);
  const vcpu = first(/KVM_CREATE_VCPU/);
  const firstRun = first(/KVM_RUN/);
  if (!kvmOpen || !vcpu || !firstRun) return undefined;
  // The vCPU thread is the one that calls KVM_RUN; its clone3 returns its tid in the parent.
  const clone = calls.find((c) => /^clone3?\(/.test(c.text) && new RegExp(`= ${firstRun.pid}$`).test(c.text));
  const firstByte = first(/^write\(1,/, firstRun.pid);
  const exitGroup = first(/^exit_group\(/);
  if (!clone || !firstByte || !exitGroup) return undefined;
  return {
    toKvmOpen: kvmOpen.at - spawnedAt,
    vmBuild: vcpu.at - kvmOpen.at,
    toWorkerThread: clone.at - vcpu.at,
    workerToFirstRun: firstRun.at - clone.at,
    guestToFirstByte: firstByte.at - firstRun.at,
    firstByteToExitGroup: exitGroup.at - firstByte.at,
    exitGroupToReaped: reapedAt - exitGroup.at,
  };
}

/** Runs `node args...` under strace once; undefined when the run failed or a marker is missing. */
export async function straceBothy(args: readonly string[], killAfterMs: number): Promise<Phases | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'bothy-bench-'));
  const out = join(dir, 'trace');
  try {
    const r = await timedSpawn(
      'strace',
      ['-f', '-ttt', '-qq', '--seccomp-bpf', '-e', 'trace=ioctl,write,clone3,clone,exit_group', '-o', out, process.execPath, ...args],
      { killAfterMs },
    );
    if (r.killed || r.code !== 0) return undefined;
    return phasesFromTrace(readFileSync(out, 'utf8'), r.spawnedAt, r.spawnedAt + r.exitMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
