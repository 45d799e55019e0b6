// Opt-in (BOTHY_LINUX_TEST=1): boot a stock Debian 6.12 cloud kernel with `bothy run` — the ELF vmlinux
// (Linux 64-bit boot protocol and PVH) and the bzImage — and check what the guest saw (boot.rst, vmm-notes.md §2).
// On KVM-PVM hosts the kernel stops at an instruction KVM cannot emulate; that must end the VM cleanly.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYOUT } from '../../src/arch/x86_64/layout.js';
import { DEFAULT_CMDLINE } from '../../src/arch/x86_64/cmdline.js';
import { hex, MiB } from '../../src/memory/address.js';

// Compiled to dist/test/kvm/, so the repository root is three levels up from either location.
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BOTHY = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const FETCH = join(REPO_ROOT, 'scripts', 'fetch-linux.sh');
const LINUX_DIR = process.env['BOTHY_LINUX_DIR'] ?? join(REPO_ROOT, '.cache', 'linux');

const MEM_SIZE = 512 * MiB;
/** bothy's own watchdog: the emulated boot on KVM-PVM stops after ~80 s; hardware KVM reaches init in seconds. */
const VM_TIMEOUT_S = Number(process.env['BOTHY_LINUX_TIMEOUT'] ?? '600');
/** Kill bothy from the test when its watchdog has not ended it by then: that is a hang of bothy itself. */
const KILL_GRACE_S = 60;
const EXIT_VM_CRASHED = 70;

const EARLY_CMDLINE = `${DEFAULT_CMDLINE} earlyprintk=serial,ttyS0,115200`;

function skipReason(): string | undefined {
  if (process.env['BOTHY_LINUX_TEST'] !== '1') {
    return 'set BOTHY_LINUX_TEST=1 to boot a real Linux kernel (downloads ~35 MB of Debian packages; minutes on KVM-PVM)';
  }
  if (!existsSync('/dev/kvm')) return '/dev/kvm does not exist on this machine';
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return '/dev/kvm is not readable and writable by this user';
  }
  if (!existsSync(BOTHY)) return `${BOTHY} is not built: run 'npx tsc -p .' first`;
  return undefined;
}

function skipIfNeeded(t: TestContext): boolean {
  const reason = skipReason();
  if (reason === undefined) return false;
  console.log(`skipping: ${reason}`);
  t.skip(reason);
  return true;
}

let fetched = false;
function fetchLinux(): void {
  if (fetched) return;
  const r = spawnSync('bash', [FETCH, LINUX_DIR], { encoding: 'utf8', timeout: 20 * 60 * 1000 });
  assert.equal(r.status, 0, `scripts/fetch-linux.sh failed (status ${String(r.status)}, signal ${String(r.signal)}):\n${r.stderr}`);
  fetched = true;
}

interface BootRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly killedByTest: boolean;
  readonly seconds: number;
  /** Seconds from spawn until `Linux version` was on the console, if it appeared. */
  readonly linuxVersionAt: number | undefined;
}

function boot(args: readonly string[]): Promise<BootRun> {
  const argv = [BOTHY, 'run', '--mem', `${MEM_SIZE / MiB}M`, '--timeout', String(VM_TIMEOUT_S), ...args];
  const start = performance.now();
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let linuxVersionAt: number | undefined;
  let killedByTest = false;
  child.stdout.setEncoding('latin1').on('data', (d: string) => {
    stdout += d;
    if (linuxVersionAt === undefined && stdout.includes('Linux version')) linuxVersionAt = (performance.now() - start) / 1000;
  });
  child.stderr.setEncoding('latin1').on('data', (d: string) => (stderr += d));
  const killer = setTimeout(() => {
    killedByTest = true;
    child.kill('SIGKILL');
  }, (VM_TIMEOUT_S + KILL_GRACE_S) * 1000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({
        stdout: stdout.replaceAll('\r', ''),
        stderr,
        code,
        signal,
        killedByTest,
        seconds: (performance.now() - start) / 1000,
        linuxVersionAt,
      });
    });
  });
}

const INTERNAL_ERROR = /KVM_EXIT_INTERNAL_ERROR: instruction emulation failed; instruction bytes: ((?:[0-9a-f]{2} ?)+) \(RIP (0x[0-9a-f]+)\)/;

/** The two endings we accept: userspace ran (hardware KVM), or KVM stopped at an instruction it cannot emulate. */
function assertCleanEnd(t: TestContext, what: string, r: BootRun): void {
  const ended = /bothy: VM ended: (.*)$/m.exec(r.stderr)?.[1] ?? '(no "VM ended" line)';
  const when = r.linuxVersionAt === undefined ? 'never' : `${r.linuxVersionAt.toFixed(1)} s`;
  t.diagnostic(`${what}: 'Linux version' at ${when}; ended at ${r.seconds.toFixed(1)} s: ${ended}`);
  const context = `\n--- stderr ---\n${r.stderr}\n--- last console lines ---\n${r.stdout.split('\n').slice(-15).join('\n')}`;
  assert.ok(!r.killedByTest, `bothy did not end ${KILL_GRACE_S} s after its own --timeout ${VM_TIMEOUT_S}: it hung${context}`);
  assert.equal(r.signal, null, `bothy died of signal ${String(r.signal)}${context}`);
  if (r.stdout.includes('INIT-REACHED uptime=')) {
    assert.equal(r.code, 0, `the guest reached init but bothy exited ${String(r.code)}${context}`);
    return;
  }
  assert.equal(r.code, EXIT_VM_CRASHED, `the guest neither reached init nor stopped at an unemulated instruction (exit ${String(r.code)})${context}`);
  const m = INTERNAL_ERROR.exec(r.stderr);
  assert.ok(m, `exit ${EXIT_VM_CRASHED} without KVM_EXIT_INTERNAL_ERROR, instruction bytes and RIP${context}`);
  t.diagnostic(`${what}: stopped by KVM at RIP ${m[2] ?? '?'} on ${m[1] ?? '?'}`);
}

interface E820Line {
  readonly start: number;
  readonly end: number;
  readonly type: string;
}

function e820Lines(consoleText: string): E820Line[] {
  return [...consoleText.matchAll(/BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+)$/gm)].map((m) => ({
    start: Number(m[1]),
    end: Number(m[2]),
    type: m[3] ?? '',
  }));
}

const show = (l: readonly E820Line[]): string => l.map((e) => `${hex(e.start)}-${hex(e.end)} ${e.type}`).join(', ');

test('ELF vmlinux through the 64-bit Linux boot protocol: banner, our command line, our e820 map', { timeout: (VM_TIMEOUT_S + 5 * 60) * 1000 }, async (t) => {
  if (skipIfNeeded(t)) return;
  fetchLinux();
  const r = await boot(['--kernel', join(LINUX_DIR, 'vmlinux'), '--initrd', join(LINUX_DIR, 'initramfs.cpio.gz'), '--cmdline', EARLY_CMDLINE]);
  assertCleanEnd(t, 'vmlinux (linux64)', r);
  assert.match(r.stdout, /Linux version 6\.12\./, `no kernel banner on the console:\n${r.stdout.slice(0, 2000)}`);
  assert.ok(r.stdout.includes(`Command line: ${EARLY_CMDLINE}\n`), `the kernel did not report our command line:\n${r.stdout.slice(0, 2000)}`);
  // The kernel prints the zero page's e820 table as given (sanitized: sorted, merged), ends inclusive.
  const expected: E820Line[] = [
    { start: 0, end: LAYOUT.EBDA_START - 1, type: 'usable' },
    { start: LAYOUT.SYSTEM_START, end: LAYOUT.SYSTEM_END - 1, type: 'reserved' },
    { start: LAYOUT.HIMEM_START, end: MEM_SIZE - 1, type: 'usable' },
  ];
  const seen = e820Lines(r.stdout);
  assert.deepEqual(seen, expected, `e820 map differs: kernel saw [${show(seen)}], bothy's layout is [${show(expected)}]`);
});

test('ELF vmlinux through the PVH entry: banner and our command line', { timeout: (VM_TIMEOUT_S + 5 * 60) * 1000 }, async (t) => {
  if (skipIfNeeded(t)) return;
  fetchLinux();
  const r = await boot(['--kernel', join(LINUX_DIR, 'vmlinux'), '--boot', 'pvh', '--initrd', join(LINUX_DIR, 'initramfs.cpio.gz'), '--cmdline', EARLY_CMDLINE]);
  assertCleanEnd(t, 'vmlinux (pvh)', r);
  assert.match(r.stdout, /Linux version 6\.12\./, `no kernel banner on the console:\n${r.stdout.slice(0, 2000)}`);
  assert.ok(r.stdout.includes(`Command line: ${EARLY_CMDLINE}\n`), `the kernel did not report our command line:\n${r.stdout.slice(0, 2000)}`);
  // Linux's PVH entry adds [0xa0000, 1 MiB) as reserved itself (init_pvh_bootparams), so only the RAM is ours to check.
  const usable = e820Lines(r.stdout).filter((e) => e.type === 'usable');
  assert.deepEqual(usable, [
    { start: 0, end: LAYOUT.EBDA_START - 1, type: 'usable' },
    { start: LAYOUT.HIMEM_START, end: MEM_SIZE - 1, type: 'usable' },
  ], `PVH memmap RAM differs: kernel saw [${show(usable)}]`);
});

test('bzImage through the Linux boot protocol: the decompressor runs and talks on COM1', { timeout: (VM_TIMEOUT_S + 5 * 60) * 1000 }, async (t) => {
  if (skipIfNeeded(t)) return;
  fetchLinux();
  // Debian builds without CONFIG_X86_VERBOSE_BOOTUP, which compiles out "Decompressing Linux...". The
  // decompressor's warning for nokaslr is always printed: it proves the decompressor ran, read our command
  // line and drove the UART.
  const cmdline = `${EARLY_CMDLINE} nokaslr`;
  const r = await boot(['--kernel', join(LINUX_DIR, 'bzImage'), '--initrd', join(LINUX_DIR, 'initramfs.cpio.gz'), '--cmdline', cmdline]);
  assertCleanEnd(t, 'bzImage', r);
  assert.match(r.stdout, /Decompressing Linux|KASLR disabled: 'nokaslr' on cmdline/, `no decompressor message on the console:\n${r.stdout.slice(0, 2000)}`);
  if (r.stdout.includes('INIT-REACHED')) assert.match(r.stdout, /Linux version 6\.12\./);
});
