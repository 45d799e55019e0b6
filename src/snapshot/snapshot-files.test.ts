import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync, truncateSync, statSync, mkdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestMemory } from '../memory/guest-memory.js';
import { gpa, MiB } from '../memory/address.js';
import { writeSnapshot, readSnapshot, STATE_FILE, MEMORY_FILE } from './snapshot-files.js';
import type { MachineState } from './machine-state.js';

const root = mkdtempSync(join(tmpdir(), 'bothy-snap-'));
const regions = [{ name: 'ram', gpa: gpa(0), size: 4 * MiB }];

function machineState(): MachineState {
  const blob = (n: number, v: number) => new Uint8Array(n).fill(v);
  return {
    machine: { memSize: 4 * MiB, vcpus: 1, regions, cmdline: 'idle', kernelName: 'demo' },
    vm: { pit: blob(112, 1), clock: blob(48, 2), picMaster: blob(520, 3), picSlave: blob(520, 4), ioapic: blob(520, 5) },
    vcpus: [{
      mpState: 0, regs: blob(144, 6), sregs: blob(312, 7), xsave: blob(4096, 8), xcrs: blob(392, 9), debugregs: blob(128, 10),
      lapic: blob(1024, 11), events: blob(64, 12), msrs: [{ index: 0x10, data: 123n }, { index: 0x6e0, data: 5n }],
      cpuid: [{ function: 1, index: 0, flags: 0, eax: 1, ebx: 2, ecx: 3, edx: 4 }], tscKhz: 2_000_000,
    }],
    devices: [{ kind: 'post', name: 'post', bus: 'pio', base: 0x80, length: 1, version: 1, state: blob(8, 13) }],
    vmgenid: { version: 1, state: blob(28, 14) },
  };
}

function memoryWithData(): GuestMemory {
  const mem = GuestMemory.create(regions);
  mem.write(gpa(0x1000), Uint8Array.of(1, 2, 3));
  mem.write(gpa(3 * MiB + 7), Uint8Array.of(9));
  return mem;
}

test('a snapshot round-trips its state and RAM; zero RAM is left as holes', async () => {
  const dir = join(root, 'a');
  const mem = memoryWithData();
  const seen: number[] = [];
  await writeSnapshot(dir, machineState(), mem, (done) => seen.push(done));
  assert.deepEqual(readdirSync(dir).sort(), [MEMORY_FILE, STATE_FILE]);
  assert.equal(seen.at(-1), 4 * MiB);
  const st = statSync(join(dir, MEMORY_FILE));
  assert.equal(st.size, 4 * MiB);
  assert.ok(st.blocks * 512 < 4 * MiB, 'memory file is sparse');
  const snap = await readSnapshot(dir);
  assert.deepEqual(snap.state, machineState());
  const back = GuestMemory.mapPrivateFile(snap.memoryPath, regions);
  assert.deepEqual([...back.read(gpa(0x1000), 3)], [1, 2, 3]);
  assert.equal(back.read(gpa(3 * MiB + 7), 1)[0], 9);
  // Copy-on-write: writing the restored RAM leaves the file as it was.
  back.write(gpa(0x1000), Uint8Array.of(7));
  assert.equal(readFileSync(join(dir, MEMORY_FILE))[0x1000], 1);
});

test('an existing snapshot is never overwritten, and nothing is left behind', async () => {
  const dir = join(root, 'b');
  await writeSnapshot(dir, machineState(), memoryWithData());
  const before = readFileSync(join(dir, STATE_FILE));
  await assert.rejects(writeSnapshot(dir, machineState(), memoryWithData()), /already exists and is not empty/);
  assert.deepEqual(readFileSync(join(dir, STATE_FILE)), before);
  assert.deepEqual(readdirSync(root).filter((f) => f.includes('.tmp-')), []);
});

test('a snapshot into an existing empty directory works', async () => {
  const dir = join(root, 'empty');
  mkdirSync(dir);
  await writeSnapshot(dir, machineState(), memoryWithData());
  assert.deepEqual(readdirSync(dir).sort(), [MEMORY_FILE, STATE_FILE]);
});

test('damaged snapshots are refused with the problem named, and left unchanged', async () => {
  const dir = join(root, 'c');
  await writeSnapshot(dir, machineState(), memoryWithData());
  const statePath = join(dir, STATE_FILE);
  const good = readFileSync(statePath);
  truncateSync(join(dir, MEMORY_FILE), MiB);
  await assert.rejects(readSnapshot(dir), /memory is 1048576 bytes but the snapshot's RAM is 4194304 bytes/);
  truncateSync(join(dir, MEMORY_FILE), 4 * MiB);
  writeFileSync(statePath, good.subarray(0, 100));
  await assert.rejects(readSnapshot(dir), /state is truncated/);
  const flipped = Buffer.from(good);
  flipped[200]! ^= 1;
  writeFileSync(statePath, flipped);
  await assert.rejects(readSnapshot(dir), /state is damaged: its CRC-32 does not match/);
  assert.deepEqual(readFileSync(statePath), flipped, 'reading never modifies the file');
  await assert.rejects(readSnapshot(join(root, 'nope')), /does not exist: is .* a bothy snapshot directory/);
});

test('a full disk fails the snapshot with a clear error and leaves nothing behind', async (t) => {
  const mnt = join(root, 'tiny');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    return t.skip('cannot mount a tmpfs here (needs root): full-disk path not exercised');
  }
  try {
    const mem = GuestMemory.create(regions);
    // Non-zero pages everywhere, so the 4 MiB memory file cannot fit in 1 MiB.
    mem.regions[0]!.bytes.fill(0xaa);
    await assert.rejects(writeSnapshot(join(mnt, 'snap'), machineState(), mem), (e: Error & { code?: string }) =>
      e.code === 'no-space' && /No space left while writing .*memory/.test(e.message));
    assert.deepEqual(readdirSync(mnt), [], 'no partial snapshot or temporary directory remains');
  } finally {
    execFileSync('umount', [mnt]);
  }
});
