// Child process of bench/startup.ts: boots a guest through bothy's own modules the way `bothy run` does
// (koffi, the module graph, Vm.start, one vCPU worker) and reports when each phase ended, so startup can be
// broken down without instrumenting src/. Usage: startup-probe.js vm ELF [BOOT] | worker none|koffi|all.
// Prints one line on stderr: STARTUP-PROBE {"mark": epoch ms, ...}; the guest's console goes to stdout.

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const PROBE_TAG = 'STARTUP-PROBE ';

/** The static import specifiers of a compiled module, resolved against it. */
function importsOf(file: URL): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => (m[1]!.startsWith('.') ? new URL(m[1]!, file).href : m[1]!));
}

const now = (): number => performance.timeOrigin + performance.now();
const marks: Record<string, number> = { processStart: performance.timeOrigin, script: now() };

await import('koffi');
marks['koffi'] = now();
await import('commander');
marks['commander'] = now();
// Everything bothy's CLI entry imports (without running it), then the two modules the probe itself uses.
await Promise.all(importsOf(new URL('../../src/cli/main.js', import.meta.url)).map((m) => import(m)));
const [{ Vm }, { vmConfigFrom }] = await Promise.all([import('../../src/vm/vm.js'), import('../../src/cli/vm-options.js')]);
marks['modules'] = now();

const mode = process.argv[2];
if (mode === 'vm') {
  const kernel = process.argv[3];
  if (kernel === undefined) throw new Error('startup-probe vm: no ELF given');
  const cfg = vmConfigFrom({ kernel, mem: '256M', vcpus: '1', boot: process.argv[4] ?? 'auto', cmdline: '' }, 1, '');
  marks['config'] = now();
  const vm = Vm.start(cfg);
  marks['vmStarted'] = now();
  const reason = await vm.exited;
  marks['vmExited'] = now();
  if (reason.kind !== 'poweroff') process.stderr.write(`startup-probe: the VM ended with ${JSON.stringify(reason)}\n`);
} else if (mode === 'worker') {
  // A worker that loads nothing, koffi alone, or exactly what the vCPU worker imports, after the main thread
  // has loaded everything (as in `bothy run`): thread start + a fresh isolate's module loading, no vCPU.
  const load = process.argv[3];
  const modules = load === 'none' ? [] : load === 'koffi' ? ['koffi'] : importsOf(new URL('../../src/vm/vcpu-worker.js', import.meta.url));
  marks['workerSpawn'] = now();
  const w = new Worker(new URL('./startup-probe-worker.js', import.meta.url), { workerData: modules });
  const loaded = await new Promise<number>((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
  });
  marks['workerLoaded'] = loaded;
  marks['workerMessage'] = now();
  await w.terminate();
} else {
  throw new Error(`startup-probe: unknown mode '${mode}' (vm ELF [BOOT] | worker none|koffi|all)`);
}
process.stderr.write(`${PROBE_TAG}${JSON.stringify(marks)}\n`);
// vCPU workers may still hold the event loop, as in bothy's CLI.
setImmediate(() => process.exit(0));
