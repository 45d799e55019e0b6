// Builds bench/c/exit-host.c (the minimal C KVM host every bench compares bothy against) with gcc -O2
// into <repo>/.cache/bench/, keyed by a hash of the source and gcc's version so edits rebuild it.

import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../test/support/bothy-process.js';

const SOURCE = join(REPO_ROOT, 'bench', 'c', 'exit-host.c');
const CACHE_DIR = join(REPO_ROOT, '.cache', 'bench');
const CFLAGS = ['-O2', '-Wall', '-Wextra', '-std=gnu11'] as const;

/** Path of the built exit-host binary (compiled on first use). */
export async function buildExitHost(): Promise<string> {
  const src = readFileSync(SOURCE);
  const gcc = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  const key = createHash('sha256').update(src).update(gcc).update(CFLAGS.join(' ')).digest('hex').slice(0, 12);
  const out = join(CACHE_DIR, `exit-host-${key}`);
  if (existsSync(out)) return out;
  mkdirSync(CACHE_DIR, { recursive: true });
  // Built under a per-process name and renamed, so two benches running at once never see half a binary.
  const tmp = `${out}.${process.pid}`;
  await promisify(execFile)('gcc', [...CFLAGS, '-o', tmp, SOURCE]);
  renameSync(tmp, out);
  return out;
}
