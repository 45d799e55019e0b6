import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeContainer, decodeContainer, SNAPSHOT_HEADER, SECTION_HEADER, SNAPSHOT_FORMAT_VERSION } from './container.js';

const sections = [
  { name: 'machine', version: 1, data: new TextEncoder().encode('{"vcpus":1}') },
  { name: 'vcpu0.regs', version: 3, data: Uint8Array.from({ length: 144 }, (_, i) => i) },
];

test('container layouts have fixed sizes', () => {
  assert.equal(SNAPSHOT_HEADER.size, 24);
  assert.equal(SECTION_HEADER.size, 32);
});

test('container round-trips sections with their versions', () => {
  const buf = encodeContainer(sections);
  assert.equal(new TextDecoder().decode(buf.subarray(0, 8)), 'BOTHYSNP');
  const back = decodeContainer(buf, 'state');
  assert.deepEqual([...back.keys()], ['machine', 'vcpu0.regs']);
  assert.equal(back.get('vcpu0.regs')!.version, 3);
  assert.deepEqual(back.get('vcpu0.regs')!.data, sections[1]!.data);
});

test('container refuses a flipped bit anywhere (CRC)', () => {
  const buf = encodeContainer(sections);
  for (const at of [30, 60, buf.length - 10]) {
    const bad = buf.slice();
    bad[at]! ^= 0x10;
    assert.throws(() => decodeContainer(bad, 'snap/state'), (e: Error & { code?: string }) => e.code === 'bad-crc' && /snap\/state is damaged/.test(e.message));
  }
});

test('container refuses truncation, trailing bytes, wrong magic and a newer format, naming the file', () => {
  const buf = encodeContainer(sections);
  assert.throws(() => decodeContainer(buf.subarray(0, buf.length - 1), 'f'), /f is truncated: the header promises/);
  assert.throws(() => decodeContainer(buf.subarray(0, 10), 'f'), /f is truncated/);
  const longer = new Uint8Array(buf.length + 3);
  longer.set(buf);
  assert.throws(() => decodeContainer(longer, 'f'), /unexpected bytes after its checksum/);
  const magic = buf.slice();
  magic[0] = 0x41;
  assert.throws(() => decodeContainer(magic, 'f'), /f is not a bothy snapshot/);
  const newer = buf.slice();
  new DataView(newer.buffer).setUint32(8, SNAPSHOT_FORMAT_VERSION + 1, true);
  assert.throws(() => decodeContainer(newer, 'f'), (e: Error & { code?: string }) =>
    e.code === 'newer-format' && /format version 2, newer than this bothy reads \(1\); restore it with a newer bothy/.test(e.message));
});
