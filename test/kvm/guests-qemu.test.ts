// Boots each micro-guest under QEMU's microvm (TCG, so no /dev/kvm needed) through the PVH 32-bit entry and
// checks its serial report and exit: an independent VMM as oracle for the guests bothy runs.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hasTool } from '../support/tools.js';
import { buildGuests, guestPath, type GuestName } from '../../guests/build.js';

const QEMU = 'qemu-system-x86_64';
/** isa-debug-exit turns an outl of N to port 0x500 into the process exit status (N << 1) | 1. */
const DEBUG_EXIT = 'isa-debug-exit,iobase=0x500,iosize=4';
const WATCHDOG_MS = 120_000;


const skip = !hasTool('gcc') ? 'gcc not installed' : !hasTool(QEMU) ? `${QEMU} not installed` : false;

type Ending =
  | { readonly kind: 'test-exit'; readonly code: number }
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'killed' }
  | { readonly kind: 'error'; readonly status: number };

interface Run {
  readonly out: string;
  readonly ending: Ending;
}

interface RunOptions {
  readonly append?: string;
  readonly smp?: number;
  readonly devices?: readonly string[];
  /** Sent to COM1 once the output (CRLF read as LF) contains `after`. */
  readonly input?: { readonly after: string; readonly bytes: string };
  /** Kill QEMU once the output contains this (for guests that never stop on their own). */
  readonly until?: string;
}

function runQemu(name: GuestName, opts: RunOptions = {}): Promise<Run> {
  const args = [
    '-M', 'microvm,pit=on', '-accel', 'tcg', '-cpu', 'max', '-m', '128', '-smp', String(opts.smp ?? 1),
    '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-no-reboot', '-device', DEBUG_EXIT,
    ...(opts.devices ?? []).flatMap((d) => ['-device', d]),
    '-kernel', guestPath(name), '-append', opts.append ?? '',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let sent = false;
    let killed = false;
    const watchdog = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`guest ${name} still running after ${WATCHDOG_MS} ms; output so far:\n${out}\n${err}`));
    }, WATCHDOG_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk.replaceAll('\r', '');
      if (opts.input && !sent && out.includes(opts.input.after)) {
        sent = true;
        child.stdin.write(opts.input.bytes);
      }
      if (opts.until !== undefined && !killed && out.includes(opts.until)) {
        killed = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(watchdog);
      if (killed) resolve({ out, ending: { kind: 'killed' } });
      else if (status === 0) resolve({ out, ending: { kind: 'shutdown' } });
      else if (status !== null && (status & 1) === 1) resolve({ out, ending: { kind: 'test-exit', code: status >> 1 } });
      else resolve({ out, ending: { kind: 'error', status: status ?? -1 } });
    });
  });
}

before(async () => {
  if (!skip) await buildGuests({ log: () => {} });
});

test('demo prints its boot report and powers off through ACPI', { skip }, async () => {
  const r = await runQemu('demo', { append: 'hello world', smp: 2 });
  assert.match(r.out, /^bothy demo guest$/m);
  assert.match(r.out, /^boot: PVH 32-bit entry$/m);
  assert.match(r.out, /^e820: 0x0{16}-0x0{11}9fbff usable \(1\)$/m);
  assert.match(r.out, /^e820: 0x0{10}100000-0x[0-9a-f]{16} usable \(1\)$/m);
  assert.match(r.out, /^cpus: 2$/m);
  assert.match(r.out, /^acpi: RSDP at 0x[0-9a-f]+ \(XSDT 0x[0-9a-f]+\)$/m);
  assert.match(r.out, /^cmdline: hello world$/m);
  assert.deepEqual(r.ending, { kind: 'shutdown' }, r.out);
});

test('demo with `idle` keeps ticking from PIT interrupts', { skip }, async () => {
  const r = await runQemu('demo', { append: 'idle', until: 'tick 3\n' });
  assert.match(r.out, /^tick 1\ntick 2\ntick 3$/m);
  assert.doesNotMatch(r.out, /powering off/);
  assert.deepEqual(r.ending, { kind: 'killed' });
});

test('smp brings every AP online', { skip }, async () => {
  const r = await runQemu('smp', { smp: 3 });
  assert.match(r.out, /^cpu 1 online$/m);
  assert.match(r.out, /^cpu 2 online$/m);
  assert.match(r.out, /^smp: 3\/3 cpus online$/m);
  assert.deepEqual(r.ending, { kind: 'test-exit', code: 0 }, r.out);
});

test('uart-echo echoes bytes from its receive interrupt and stops on q', { skip }, async () => {
  const r = await runQemu('uart-echo', { input: { after: 'uart-echo ready\n', bytes: 'ab q' } });
  assert.match(r.out, /^rx 61\nrx 62\nrx 20\nrx 71\nirqs=[1-4]$/m);
  assert.deepEqual(r.ending, { kind: 'test-exit', code: 0 }, r.out);
});

test('reset through the i8042 ends the VM', { skip }, async () => {
  const r = await runQemu('reset', { devices: ['i8042'] });
  assert.match(r.out, /^reset: writing 0xfe to port 0x64$/m);
  assert.doesNotMatch(r.out, /still running/);
  assert.deepEqual(r.ending, { kind: 'shutdown' }, r.out);
});

test('mmio-fault reports the read and exits 3 when the VMM lets it return', { skip }, async () => {
  const r = await runQemu('mmio-fault');
  assert.match(r.out, /^mmio-fault: reading 0xd0000000$/m);
  assert.match(r.out, /^mmio-fault: read returned 0x[0-9a-f]+$/m);
  assert.deepEqual(r.ending, { kind: 'test-exit', code: 3 });
});

test('triple-fault shuts the VM down', { skip }, async () => {
  const r = await runQemu('triple-fault');
  assert.match(r.out, /^triple-fault: empty IDT, then ud2$/m);
  assert.deepEqual(r.ending, { kind: 'shutdown' }, r.out);
});

test('bad-insn runs popcnt where the CPU executes CPL0 code itself', { skip }, async () => {
  const r = await runQemu('bad-insn');
  assert.match(r.out, /^bad-insn: popcnt ran, result 8$/m);
  assert.deepEqual(r.ending, { kind: 'test-exit', code: 0 }, r.out);
});

test('exit-bench reads count= from the command line', { skip }, async () => {
  const r = await runQemu('exit-bench', { append: 'count=1000' });
  assert.match(r.out, /^exit-bench: 1000 outb to port 0x80$/m);
  assert.match(r.out, /^exit-bench: done$/m);
  assert.deepEqual(r.ending, { kind: 'test-exit', code: 0 }, r.out);
});

test('ring3 sums at CPL3, stores to a page and turns a #PF into a reported fault', { skip }, async () => {
  const r = await runQemu('ring3', { append: 'n=1000000' });
  assert.match(r.out, /^ring3: sum\(1\.\.1000000\) = 500000500000 \(ok\)$/m);
  assert.match(r.out, /^ring3: store to 0x140000000 -> vector 14 err=0x6 cr2=0x140000000 \(ok\)$/m);
  assert.match(r.out, /^ring3: pass$/m);
  assert.deepEqual(r.ending, { kind: 'test-exit', code: 0 }, r.out);
});
