import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSdt, fixedAscii, SDT_HEADER } from './sdt-header.js';
import { sum8 } from '../../binary/checksum.js';
import { AcpiError } from './acpi-error.js';

test('SDT header is 36 bytes with the spec offsets (§5.2.6)', () => {
  assert.equal(SDT_HEADER.size, 36);
  assert.deepEqual(SDT_HEADER.offsets, {
    signature: 0,
    length: 4,
    revision: 8,
    checksum: 9,
    oemId: 10,
    oemTableId: 16,
    oemRevision: 24,
    creatorId: 28,
    creatorRevision: 32,
  });
});

test('buildSdt fills identity, length and a zeroing checksum', () => {
  const t = buildSdt({ signature: 'TEST', revision: 3, oemTableId: 'BOTHYTST' }, Uint8Array.of(1, 2, 3, 4, 5));
  assert.equal(t.length, 41);
  assert.equal(sum8(t), 0);
  const h = SDT_HEADER.decode(t);
  assert.equal(Buffer.from(h.signature).toString('latin1'), 'TEST');
  assert.equal(h.length, 41);
  assert.equal(h.revision, 3);
  assert.equal(Buffer.from(h.oemId).toString('latin1'), 'BOTHY ');
  assert.equal(Buffer.from(h.oemTableId).toString('latin1'), 'BOTHYTST');
  assert.equal(Buffer.from(h.creatorId).toString('latin1'), 'BTHY');
  assert.deepEqual([...t.subarray(36)], [1, 2, 3, 4, 5]);
});

test('identity fields must be exactly their width', () => {
  assert.throws(() => fixedAscii('BOTHY', 6), AcpiError);
  assert.throws(() => buildSdt({ signature: 'TOOLONG', revision: 1, oemTableId: 'BOTHYTST' }, new Uint8Array()), AcpiError);
  assert.throws(() => fixedAscii('BOTH\u00ff ', 6), AcpiError);
});
