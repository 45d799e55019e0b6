import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpa, MiB } from '../../memory/address.js';
import { buildE820 } from './e820.js';
import { LAYOUT } from './layout.js';
import { LoaderError } from './loader-error.js';
import { HVM_MEMMAP_TABLE_ENTRY, HVM_MODLIST_ENTRY, HVM_START_INFO, XEN_HVM_START_MAGIC_VALUE, buildPvhStartInfo } from './pvh.js';

test('PVH struct sizes: start info 56, modlist entry 32, memmap entry 24', () => {
  assert.equal(HVM_START_INFO.size, 56);
  assert.equal(HVM_MODLIST_ENTRY.size, 32);
  assert.equal(HVM_MEMMAP_TABLE_ENTRY.size, 24);
  const o = HVM_START_INFO.offsets;
  // Offsets from the ASCII diagram in start_info.h.
  assert.deepEqual(
    [o.magic, o.version, o.flags, o.nr_modules, o.modlist_paddr, o.cmdline_paddr, o.rsdp_paddr, o.memmap_paddr, o.memmap_entries, o.reserved],
    [0, 4, 8, 12, 16, 24, 32, 40, 48, 52],
  );
  assert.ok(LAYOUT.PVH_INFO_START + HVM_START_INFO.size <= LAYOUT.PVH_MODLIST_START);
});

test('golden start info with an initrd, RSDP and the e820 map as the memmap', () => {
  const e820 = buildE820(128 * MiB);
  const { startInfo, modlist, memmap } = buildPvhStartInfo({
    cmdlineGpa: gpa(0x20000),
    e820,
    initrd: { gpa: gpa(0x7f00000), size: 0x12345 },
    rsdp: gpa(0xe0000),
  });
  const v = new DataView(startInfo.buffer);
  assert.equal(v.getUint32(0, true), 0x336ec578);
  assert.equal(XEN_HVM_START_MAGIC_VALUE, 0x336ec578);
  assert.equal(v.getUint32(4, true), 1); // version
  assert.equal(v.getUint32(8, true), 0); // flags
  assert.equal(v.getUint32(12, true), 1); // nr_modules
  assert.equal(v.getBigUint64(16, true), 0x6040n); // modlist_paddr
  assert.equal(v.getBigUint64(24, true), 0x20000n); // cmdline_paddr
  assert.equal(v.getBigUint64(32, true), 0xe0000n); // rsdp_paddr
  assert.equal(v.getBigUint64(40, true), 0x7000n); // memmap_paddr
  assert.equal(v.getUint32(48, true), 3); // memmap_entries
  assert.equal(v.getUint32(52, true), 0);

  assert.equal(modlist.length, 32);
  const m = new DataView(modlist.buffer);
  assert.deepEqual([m.getBigUint64(0, true), m.getBigUint64(8, true), m.getBigUint64(16, true), m.getBigUint64(24, true)], [0x7f00000n, 0x12345n, 0n, 0n]);

  assert.equal(memmap.length, 3 * 24);
  const mm = new DataView(memmap.buffer);
  e820.forEach((e, i) => {
    assert.equal(mm.getBigUint64(i * 24, true), BigInt(e.addr));
    assert.equal(mm.getBigUint64(i * 24 + 8, true), BigInt(e.size));
    assert.equal(mm.getUint32(i * 24 + 16, true), e.type);
    assert.equal(mm.getUint32(i * 24 + 20, true), 0);
  });
});

test('without initrd or RSDP the module list is empty and the addresses are zero ("not present")', () => {
  const { startInfo, modlist } = buildPvhStartInfo({ cmdlineGpa: gpa(0x20000), e820: buildE820(64 * MiB) });
  const v = new DataView(startInfo.buffer);
  assert.equal(modlist.length, 0);
  assert.equal(v.getUint32(12, true), 0);
  assert.equal(v.getBigUint64(16, true), 0n);
  assert.equal(v.getBigUint64(32, true), 0n);
});

test('a memory map longer than the zero-page cap is refused', () => {
  const many = Array.from({ length: 129 }, (_, i) => ({ addr: i * 0x1000, size: 0x1000, type: 1 }));
  assert.throws(() => buildPvhStartInfo({ cmdlineGpa: gpa(0), e820: many }), (e: unknown) => e instanceof LoaderError && e.code === 'does-not-fit');
});
