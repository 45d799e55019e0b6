import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRsdp, RSDP, RSDP_V1_SIZE } from './rsdp.js';
import { sum8 } from '../../binary/checksum.js';
import { gpa } from '../../memory/address.js';

test('RSDP layout: 36 bytes, spec offsets (§5.2.5.3)', () => {
  assert.equal(RSDP.size, 36);
  assert.equal(RSDP_V1_SIZE, 20);
  assert.deepEqual(RSDP.offsets, {
    signature: 0,
    checksum: 8,
    oemId: 9,
    revision: 15,
    rsdtAddress: 16,
    length: 20,
    xsdtAddress: 24,
    extendedChecksum: 32,
    reserved: 33,
  });
});

test('RSDP revision 2 points at the XSDT and both checksums hold', () => {
  const r = buildRsdp(gpa(0x9fe30));
  assert.equal(r.length, 36);
  const f = RSDP.decode(r);
  assert.equal(Buffer.from(f.signature).toString('latin1'), 'RSD PTR ');
  assert.equal(f.revision, 2);
  assert.equal(f.length, 36);
  assert.equal(f.rsdtAddress, 0);
  assert.equal(f.xsdtAddress, 0x9fe30n);
  assert.equal(Buffer.from(f.oemId).toString('latin1'), 'BOTHY ');
  assert.equal(sum8(r.subarray(0, 20)), 0, 'ACPI 1.0 checksum');
  assert.equal(sum8(r), 0, 'extended checksum');
  assert.deepEqual([...r.subarray(33)], [0, 0, 0]);
});
