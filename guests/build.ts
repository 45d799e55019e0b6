// Builds the freestanding micro-guests (guests/<name>.c on the guests/runtime/ library) with the machine's gcc
// into guests/build/<name>.elf, rebuilding only when sources or flags change, and rejects ring-0 code that
// kvm_pvm's CPL0 emulator cannot run (shared/reference/kvm-on-this-machine.md §2b).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { GuestBuildError } from './guest-build-error.js';

export const GUESTS = [
  'demo',
  'smp',
  'uart-echo',
  'reset',
  'mmio-fault',
  'triple-fault',
  'bad-insn',
  'exit-bench',
  'ring3',
  'vmgenid',
  'hypercalls',
  'psci',
  'trng',
  'pvtime',
  'hcfuzz',
  'hcbench',
] as const;
export type GuestName = (typeof GUESTS)[number];

/** Instructions a guest executes on purpose although the ring-0 check forbids them. */
const ALLOWED: { readonly [K in GuestName]?: readonly string[] } = { 'bad-insn': ['popcnt'] };

// Integer-only, baseline x86-64: CPL0 runs in kvm_pvm's emulator, which has no SSE/x87/popcnt/cx16.
const CFLAGS = [
  '-std=gnu11',
  '-O2',
  '-g',
  '-ffreestanding',
  '-fno-builtin',
  '-fno-pie',
  '-fno-pic',
  '-fno-stack-protector',
  '-fno-stack-clash-protection',
  '-fno-asynchronous-unwind-tables',
  '-fno-unwind-tables',
  '-fcf-protection=none',
  '-fno-tree-loop-distribute-patterns',
  '-mno-red-zone',
  '-mgeneral-regs-only',
  '-mno-sse',
  '-mno-mmx',
  '-mno-80387',
  '-mno-popcnt',
  '-mno-cx16',
  '-march=x86-64',
  '-mtune=generic',
  '-Wall',
  '-Wextra',
] as const;
const LDFLAGS = [
  '-nostdlib',
  '-static',
  '-no-pie',
  '-Wl,--build-id=none',
  '-Wl,-z,max-page-size=0x1000',
  '-Wl,-z,noexecstack',
] as const;

// Mnemonics the CPL0 emulator stops on (KVM_EXIT_INTERNAL_ERROR), livelocks on (vmcall), or that need
// unemulated extensions. Registers of SSE/AVX/MMX/x87 are caught separately from the operands.
const FORBIDDEN_MNEMONICS: ReadonlySet<string> = new Set([
  'int3', 'int', 'into', 'vmcall', 'vmmcall', 'popcnt', 'cmpxchg16b', 'xgetbv', 'xsetbv', 'rdtscp', 'ldmxcsr',
  'stmxcsr', 'emms', 'crc32', 'movbe', 'andn', 'bextr', 'blsi', 'blsmsk', 'blsr', 'bzhi', 'mulx', 'pdep', 'pext',
  'rorx', 'sarx', 'shlx', 'shrx', 'adcx', 'adox', 'invpcid', 'clflush', 'clflushopt', 'clwb', 'stac', 'clac',
  'rdpkru', 'monitor', 'mwait', 'verr', 'verw', 'lar', 'lsl', '(bad)',
]);
const PREFIXES: ReadonlySet<string> = new Set([
  'lock', 'rep', 'repz', 'repe', 'repnz', 'repne', 'data16', 'addr32', 'notrack', 'bnd', 'cs', 'ds', 'es', 'ss', 'fs',
  'gs',
]);
const MAX_REPORTED = 10;
const RUNTIME_DIR = join('guests', 'runtime');
const LINKER_SCRIPT = join(RUNTIME_DIR, 'guest.ld');

const run = promisify(execFile);

function findRepoRoot(): string {
  // Compiled, this file is dist/guests/build.js; run from source it is guests/build.ts.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'guests', 'runtime', 'runtime.h'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the bothy repository (guests/runtime/) above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

let cachedRoot: string | undefined;
function repoRoot(): string {
  cachedRoot ??= findRepoRoot();
  return cachedRoot;
}

/** Absolute path of a built guest ELF (guests/build/<name>.elf). */
export function guestPath(name: GuestName): string {
  return join(repoRoot(), 'guests', 'build', `${name}.elf`);
}

export interface BuildGuestsOptions {
  /** Receives one line per guest (default: console.log). */
  readonly log?: (line: string) => void;
  /** Rebuild even when the stamp says the ELF is up to date. */
  readonly force?: boolean;
}

interface ToolOutput {
  readonly stdout: string;
  readonly stderr: string;
}

function isEnoent(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT';
}

function stderrOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'stderr' in e && typeof e.stderr === 'string') return e.stderr.trim();
  return String(e);
}

async function tool(cmd: string, args: readonly string[], cwd: string): Promise<ToolOutput> {
  return run(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
}

async function gccVersion(cwd: string): Promise<string> {
  try {
    return (await tool('gcc', ['--version'], cwd)).stdout.split('\n')[0] ?? '';
  } catch (e) {
    if (isEnoent(e)) {
      throw new GuestBuildError(
        'gcc-missing',
        'gcc was not found on PATH. The micro-guests under guests/ are C and assembly built with the ' +
          "machine's gcc: install it (Debian/Ubuntu: apt-get install gcc) and run `npm run build` again.",
        { cause: e },
      );
    }
    throw e;
  }
}

async function hasObjdump(cwd: string): Promise<boolean> {
  try {
    await tool('objdump', ['--version'], cwd);
    return true;
  } catch {
    return false;
  }
}

/** Runs jobs with at most `limit` in flight. */
async function pool<T>(limit: number, jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i];
      if (job) out[i] = await job();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
  return out;
}

async function compile(root: string, src: string, obj: string): Promise<void> {
  try {
    const { stderr } = await tool('gcc', [...CFLAGS, '-Iguests/runtime', '-c', src, '-o', obj], root);
    if (stderr.trim()) process.stderr.write(stderr);
  } catch (e) {
    throw new GuestBuildError('compile-failed', `gcc could not compile ${src}:\n${stderrOf(e)}`, { cause: e });
  }
}

/** Disassembles the 64-bit .text of an ELF and lists the instructions the CPL0 emulator cannot run. */
export function findForbiddenInstructions(disassembly: string, allowed: readonly string[] = []): string[] {
  const found: string[] = [];
  for (const line of disassembly.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t(.*)$/.exec(line);
    if (!m) continue;
    const text = (m[2] ?? '').trim();
    const words = text.split(/\s+/);
    let i = 0;
    while (i < words.length - 1 && (PREFIXES.has(words[i] ?? '') || (words[i] ?? '').startsWith('rex'))) i++;
    const mnemonic = words[i] ?? '';
    const operands = words.slice(i + 1).join(' ');
    let reason: string | undefined;
    if (/%(?:[xyz]mm\d|mm\d|st\b|st\()/.test(operands)) reason = 'SSE/AVX/MMX/x87 register';
    else if (FORBIDDEN_MNEMONICS.has(mnemonic)) reason = 'not emulated at CPL0';
    else if (/^f/.test(mnemonic)) reason = 'x87';
    else if (/^v/.test(mnemonic)) reason = 'AVX/VMX';
    if (reason !== undefined && !allowed.includes(mnemonic)) found.push(`0x${m[1] ?? ''}: ${text} (${reason})`);
  }
  return found;
}

async function checkInstructions(root: string, name: GuestName, elf: string): Promise<void> {
  const { stdout } = await tool('objdump', ['-d', '-w', '--no-show-raw-insn', '-j', '.text', elf], root);
  const bad = findForbiddenInstructions(stdout, ALLOWED[name] ?? []);
  if (bad.length > 0) {
    const shown = bad.slice(0, MAX_REPORTED).join('\n  ');
    const more = bad.length > MAX_REPORTED ? `\n  ... and ${bad.length - MAX_REPORTED} more` : '';
    throw new GuestBuildError(
      'forbidden-instruction',
      `guest ${name}: ring-0 code contains instructions kvm_pvm cannot emulate at CPL0 ` +
        `(build integer-only; see shared/reference/kvm-on-this-machine.md §2b):\n  ${shown}${more}`,
    );
  }
}

async function sourcesUnder(dir: string, exts: readonly string[]): Promise<string[]> {
  return (await readdir(dir)).filter((f) => exts.some((e) => f.endsWith(e))).sort();
}

async function hashFiles(root: string, files: readonly string[], extra: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  for (const x of extra) h.update(`${x}\0`);
  for (const f of files) {
    h.update(`${f}\0`);
    h.update(await readFile(join(root, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

async function buildOne(
  root: string,
  name: GuestName,
  stamp: string,
  runtimeObjs: readonly string[],
  objDir: string,
  objdump: boolean,
): Promise<void> {
  const obj = join(objDir, `${name}.o`);
  await compile(root, join('guests', `${name}.c`), obj);
  const elf = guestPath(name);
  const tmp = `${elf}.${process.pid}.tmp`;
  try {
    try {
      await tool('gcc', [...CFLAGS, ...LDFLAGS, '-T', LINKER_SCRIPT, '-o', tmp, ...runtimeObjs, obj], root);
    } catch (e) {
      throw new GuestBuildError('link-failed', `linking guest ${name} failed:\n${stderrOf(e)}`, { cause: e });
    }
    if (objdump) await checkInstructions(root, name, tmp);
    await rename(tmp, elf);
  } finally {
    await rm(tmp, { force: true });
  }
  const stampFile = join(dirname(elf), `${name}.stamp`);
  await writeFile(`${stampFile}.${process.pid}.tmp`, `${stamp}\n`);
  await rename(`${stampFile}.${process.pid}.tmp`, stampFile);
}

/**
 * Builds every guest that is missing or out of date and returns the absolute ELF paths, in GUESTS order.
 * Throws GuestBuildError when gcc is missing, a compile or link fails, or ring-0 code would not run under kvm_pvm.
 */
export async function buildGuests(options: BuildGuestsOptions = {}): Promise<string[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const root = repoRoot();
  const buildDir = join(root, 'guests', 'build');
  // Per process, and the ELF and stamp are renamed into place: concurrent builds (parallel test files) are safe.
  const objDir = join(buildDir, `obj-${process.pid}`);
  const gcc = await gccVersion(root);
  const objdump = await hasObjdump(root);

  const runtimeFiles = (await sourcesUnder(join(root, RUNTIME_DIR), ['.c', '.S', '.h', '.ld'])).map((f) =>
    join(RUNTIME_DIR, f),
  );
  const runtimeSources = runtimeFiles.filter((f) => f.endsWith('.c') || f.endsWith('.S'));
  const runtimeHash = await hashFiles(root, runtimeFiles, [gcc, ...CFLAGS, ...LDFLAGS, `objdump=${objdump}`]);

  const stale: { readonly name: GuestName; readonly stamp: string }[] = [];
  const upToDate = new Set<GuestName>();
  for (const name of GUESTS) {
    const stamp = await hashFiles(root, [join('guests', `${name}.c`)], [runtimeHash, ...(ALLOWED[name] ?? [])]);
    const stampFile = join(buildDir, `${name}.stamp`);
    const current = existsSync(stampFile) ? (await readFile(stampFile, 'utf8')).trim() : '';
    if (!options.force && current === stamp && existsSync(guestPath(name))) upToDate.add(name);
    else stale.push({ name, stamp });
  }

  if (stale.length > 0) {
    await mkdir(objDir, { recursive: true });
    try {
      const parallel = availableParallelism();
      const runtimeObjs = runtimeSources.map((src) => join(objDir, `runtime-${basename(src)}.o`));
      await pool(
        parallel,
        runtimeSources.map((src, i) => () => compile(root, src, runtimeObjs[i] ?? '')),
      );
      await pool(
        parallel,
        stale.map(({ name, stamp }) => () => buildOne(root, name, stamp, runtimeObjs, objDir, objdump)),
      );
    } finally {
      await rm(objDir, { recursive: true, force: true });
    }
  }

  for (const name of GUESTS) {
    const rel = relative(root, guestPath(name));
    if (upToDate.has(name)) log(`guest ${name}: up to date (${rel})`);
    else log(`guest ${name}: built ${rel}${objdump ? '' : ' (instruction check skipped: objdump not found)'}`);
  }
  return GUESTS.map(guestPath);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildGuests().catch((e: unknown) => {
    console.error(e instanceof GuestBuildError ? `guest build failed: ${e.message}` : e);
    process.exitCode = 1;
  });
}
