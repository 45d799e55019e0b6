// A snapshot on disk: DIR/state (the container) and DIR/memory (guest RAM, regions back to back,
// zero pages left as holes). Written into a temporary directory beside DIR, fsynced, then renamed, so
// DIR either holds a whole snapshot or does not exist; reading never modifies the files.

import { mkdir, open, rename, rm, rmdir, readdir, readFile, stat, type FileHandle } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { GuestMemory } from '../memory/guest-memory.js';
import { encodeContainer, decodeContainer } from './container.js';
import { encodeMachineState, decodeMachineState, type MachineState } from './machine-state.js';
import { SnapshotError } from './snapshot-error.js';

export const STATE_FILE = 'state';
export const MEMORY_FILE = 'memory';
const CHUNK = 1 << 20;

export type Progress = (done: number, total: number) => void;

function isZero(b: Uint8Array): boolean {
  const words = new BigUint64Array(b.buffer, b.byteOffset, b.byteLength / 8);
  for (let i = 0; i < words.length; i++) if (words[i] !== 0n) return false;
  return true;
}

async function writeMemory(fh: FileHandle, memory: GuestMemory, progress?: Progress): Promise<void> {
  const total = memory.size;
  let done = 0;
  for (const r of memory.regions) {
    for (let off = 0; off < r.size; off += CHUNK) {
      const chunk = r.bytes.subarray(off, Math.min(off + CHUNK, r.size));
      if (!isZero(chunk)) await fh.write(chunk, 0, chunk.length, r.fileOffset + off);
      done += chunk.length;
      progress?.(done, total);
    }
  }
  await fh.truncate(total);
}

async function writeFileSynced(path: string, fill: (fh: FileHandle) => Promise<void>): Promise<void> {
  const fh = await open(path, 'wx', 0o600);
  try {
    await fill(fh);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function ioError(e: unknown, what: string): SnapshotError {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') {
    return new SnapshotError('no-space', `No space left while writing ${what}: free some space or snapshot to another directory (nothing was kept)`, { cause: e });
  }
  return new SnapshotError('io', `Cannot write ${what}: ${err.message}`, { cause: e });
}

/** Writes a snapshot to `dir`, which must not exist yet (or be empty). The VM must be paused. */
export async function writeSnapshot(dir: string, state: MachineState, memory: GuestMemory, progress?: Progress): Promise<void> {
  const target = resolve(dir);
  if (existsSync(target) && (await readdir(target)).length > 0) {
    throw new SnapshotError('exists', `${target} already exists and is not empty: snapshot to a new directory (an existing snapshot is never overwritten)`);
  }
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(tmp, { mode: 0o700 });
    await writeFileSynced(join(tmp, MEMORY_FILE), (fh) => writeMemory(fh, memory, progress)).catch((e) => {
      throw ioError(e, `${join(target, MEMORY_FILE)} (${memory.size} bytes)`);
    });
    const container = encodeContainer(encodeMachineState(state));
    await writeFileSynced(join(tmp, STATE_FILE), (fh) => fh.writeFile(container)).catch((e) => {
      throw ioError(e, join(target, STATE_FILE));
    });
    await syncDir(tmp);
    if (existsSync(target)) await rmdir(target);
    await rename(tmp, target);
    await syncDir(dirname(target));
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e instanceof SnapshotError ? e : ioError(e, target);
  }
}

export interface LoadedSnapshot {
  readonly dir: string;
  readonly state: MachineState;
  readonly memoryPath: string;
}

/** Reads and checks a snapshot (container, sections, memory file size) without changing anything. */
export async function readSnapshot(dir: string): Promise<LoadedSnapshot> {
  const target = resolve(dir);
  const statePath = join(target, STATE_FILE);
  const memoryPath = join(target, MEMORY_FILE);
  for (const f of [statePath, memoryPath]) {
    if (!existsSync(f)) throw new SnapshotError('missing', `${f} does not exist: is ${target} a bothy snapshot directory?`);
  }
  const raw = await readFile(statePath);
  // A plain Uint8Array view (not a Buffer), so sections compare and copy like the bytes that were saved.
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const state = decodeMachineState(decodeContainer(bytes, statePath), statePath);
  const want = state.machine.regions.reduce((n, r) => n + r.size, 0);
  const have = (await stat(memoryPath)).size;
  if (have !== want) {
    throw new SnapshotError('memory-size', `${memoryPath} is ${have} bytes but the snapshot's RAM is ${want} bytes: the memory file is truncated or from another snapshot`);
  }
  return { dir: target, state, memoryPath };
}
