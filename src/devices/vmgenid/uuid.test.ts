import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatUuid,
  fromGuestByteOrder,
  MS_GUID,
  parseUuid,
  randomUuidV4,
  RFC4122_UUID,
  toGuestByteOrder,
  UUID_SIZE,
} from './uuid.js';
import { VmGenIdError } from './vmgenid-error.js';
import { hexBytes as h } from '../../binary/test-bytes.js';


test('UUID layouts are 16 bytes with RFC 4122 and Windows GUID field offsets', () => {
  assert.equal(UUID_SIZE, 16);
  assert.equal(RFC4122_UUID.size, 16);
  assert.deepEqual(RFC4122_UUID.offsets, {
    time_low: 0,
    time_mid: 4,
    time_hi_and_version: 6,
    clock_seq_hi_and_reserved: 8,
    clock_seq_low: 9,
    node: 10,
  });
  assert.equal(MS_GUID.size, 16);
  assert.deepEqual(MS_GUID.offsets, { Data1: 0, Data2: 4, Data3: 6, Data4: 8 });
});

test('parseUuid keeps text order; formatUuid gives it back in lower case', () => {
  const b = parseUuid('324E6EAF-d1d1-4bf6-bf41-b9bb6c91fb87');
  assert.deepEqual([...b], h('32 4e 6e af d1 d1 4b f6 bf 41 b9 bb 6c 91 fb 87'));
  assert.equal(formatUuid(b), '324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87');
});

test("guest byte order is QEMU's: the first three fields swapped (reference §4.2 vector)", () => {
  const guest = toGuestByteOrder(parseUuid('324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87'));
  assert.deepEqual([...guest], h('af 6e 4e 32 d1 d1 f6 4b bf 41 b9 bb 6c 91 fb 87'));
  // The pair measured in guest RAM on QEMU 7.2 (reference §6).
  const measured = toGuestByteOrder(parseUuid('aaaaaaaa-0001-4000-8000-00000000000a'));
  assert.deepEqual([...measured], h('aa aa aa aa 01 00 00 40 80 00 00 00 00 00 00 0a'));
  assert.equal(formatUuid(fromGuestByteOrder(guest)), '324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87');
});

test('parseUuid says what a UUID looks like when the text is not one', () => {
  for (const bad of ['', '324e6eaf', '324e6eafd1d14bf6bf41b9bb6c91fb87', '{324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87}', '324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb8g', 'auto']) {
    assert.throws(
      () => parseUuid(bad),
      (e: unknown) => e instanceof VmGenIdError && e.code === 'bad-uuid' && /8-4-4-4-12/.test(e.message),
      bad,
    );
  }
  assert.throws(() => formatUuid(new Uint8Array(15)), (e: unknown) => e instanceof VmGenIdError && e.code === 'bad-uuid');
  assert.throws(() => toGuestByteOrder(new Uint8Array(17)), (e: unknown) => e instanceof VmGenIdError && e.code === 'bad-uuid');
});

test('randomUuidV4 gives version 4, the RFC 4122 variant, and a different value each time', () => {
  const a = randomUuidV4();
  const b = randomUuidV4();
  assert.equal(a.length, 16);
  assert.equal(a[6]! >> 4, 4);
  assert.equal(a[8]! >> 6, 0b10);
  assert.notDeepEqual(a, b);
});
