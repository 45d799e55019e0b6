import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpa, MiB, GiB } from '../../memory/address.js';
import {
  BOOT_E820_ENTRY,
  BOOT_PARAMS,
  SETUP_DATA,
  SETUP_HEADER,
  SETUP_DTB,
  E820_MAX_ENTRIES_ZEROPAGE,
  buildZeroPage,
  encodeSetupData,
  setupHeaderLength,
} from './boot-params.js';
import { buildE820, E820_RAM } from './e820.js';
import { buildBzImage } from './kernel-fixtures.js';
import { LoaderError } from './loader-error.js';

test('struct sizes: boot_params is one page, setup_header 123 bytes, e820 entry 20, setup_data 16', () => {
  assert.equal(BOOT_PARAMS.size, 4096);
  assert.equal(SETUP_HEADER.size, 0x26c - 0x1f1);
  assert.equal(BOOT_E820_ENTRY.size, 20);
  assert.equal(SETUP_DATA.size, 16);
});

test('boot_params fields sit at the offsets bootparam.h comments give', () => {
  const o = BOOT_PARAMS.offsets;
  assert.deepEqual(
    [o.apm_bios_info, o.tboot_addr, o.ist_info, o.acpi_rsdp_addr, o.hd0_info, o.sys_desc_table, o.olpc_ofw_header],
    [0x040, 0x058, 0x060, 0x070, 0x080, 0x0a0, 0x0b0],
  );
  assert.deepEqual([o.ext_ramdisk_image, o.ext_ramdisk_size, o.ext_cmd_line_ptr, o._pad4], [0x0c0, 0x0c4, 0x0c8, 0x0cc]);
  assert.deepEqual([o.edid_info, o.efi_info, o.alt_mem_k, o.scratch], [0x140, 0x1c0, 0x1e0, 0x1e4]);
  assert.deepEqual([o.e820_entries, o.eddbuf_entries, o.secure_boot, o.sentinel, o.hdr], [0x1e8, 0x1e9, 0x1ec, 0x1ef, 0x1f1]);
  assert.deepEqual([o.edd_mbr_sig_buffer, o.e820_table, o._pad8, o.eddbuf, o._pad9], [0x290, 0x2d0, 0xcd0, 0xd00, 0xeec]);
});

test('setup_header fields sit at the offsets of the boot.rst header table', () => {
  // Absolute offsets (in the zero page and the bzImage) from Documentation/arch/x86/boot.rst.
  const table: [keyof typeof SETUP_HEADER.fields, number][] = [
    ['setup_sects', 0x1f1], ['root_flags', 0x1f2], ['syssize', 0x1f4], ['ram_size', 0x1f8], ['vid_mode', 0x1fa],
    ['root_dev', 0x1fc], ['boot_flag', 0x1fe], ['jump', 0x200], ['header', 0x202], ['version', 0x206],
    ['realmode_swtch', 0x208], ['start_sys_seg', 0x20c], ['kernel_version', 0x20e], ['type_of_loader', 0x210],
    ['loadflags', 0x211], ['setup_move_size', 0x212], ['code32_start', 0x214], ['ramdisk_image', 0x218],
    ['ramdisk_size', 0x21c], ['bootsect_kludge', 0x220], ['heap_end_ptr', 0x224], ['ext_loader_ver', 0x226],
    ['ext_loader_type', 0x227], ['cmd_line_ptr', 0x228], ['initrd_addr_max', 0x22c], ['kernel_alignment', 0x230],
    ['relocatable_kernel', 0x234], ['min_alignment', 0x235], ['xloadflags', 0x236], ['cmdline_size', 0x238],
    ['hardware_subarch', 0x23c], ['hardware_subarch_data', 0x240], ['payload_offset', 0x248],
    ['payload_length', 0x24c], ['setup_data', 0x250], ['pref_address', 0x258], ['init_size', 0x260],
    ['handover_offset', 0x264], ['kernel_info_offset', 0x268],
  ];
  assert.equal(table.length, Object.keys(SETUP_HEADER.fields).length);
  for (const [field, abs] of table) assert.equal(0x1f1 + SETUP_HEADER.offsets[field], abs, field);
});

/** [start, end) ranges a small ELF-boot zero page writes; everything else must stay zero. */
function goldenZeroPage(): { page: Uint8Array; written: [number, number][] } {
  const page = buildZeroPage({
    cmdlineGpa: gpa(0x20000),
    cmdlineSize: 42,
    e820: buildE820(128 * MiB),
    initrd: { gpa: gpa(0x7f00000), size: 0x80000 },
    rsdp: gpa(0xe0000),
    setupData: gpa(0x12340),
  });
  const written: [number, number][] = [
    [0x070, 0x078], [0x1e8, 0x1e9], [0x1fe, 0x200], [0x202, 0x206], [0x210, 0x211], [0x218, 0x220],
    [0x228, 0x22c], [0x230, 0x234], [0x238, 0x23c], [0x250, 0x258], [0x2d0, 0x2d0 + 3 * 20],
  ];
  return { page, written };
}

test('golden zero page for an ELF kernel: every field at its absolute offset, the rest zero', () => {
  const { page, written } = goldenZeroPage();
  const v = new DataView(page.buffer);
  assert.equal(page.length, 4096);
  assert.equal(v.getBigUint64(0x070, true), 0xe0000n); // acpi_rsdp_addr
  assert.equal(v.getUint8(0x1e8), 3); // e820_entries
  assert.equal(v.getUint16(0x1fe, true), 0xaa55); // boot_flag
  assert.equal(new TextDecoder().decode(page.subarray(0x202, 0x206)), 'HdrS'); // header
  assert.equal(v.getUint8(0x210), 0xff); // type_of_loader
  assert.equal(v.getUint32(0x218, true), 0x7f00000); // ramdisk_image
  assert.equal(v.getUint32(0x21c, true), 0x80000); // ramdisk_size
  assert.equal(v.getUint32(0x228, true), 0x20000); // cmd_line_ptr
  assert.equal(v.getUint32(0x230, true), 16 * MiB); // kernel_alignment
  assert.equal(v.getUint32(0x238, true), 42); // cmdline_size
  assert.equal(v.getBigUint64(0x250, true), 0x12340n); // setup_data
  // e820_table[0..2]: addr u64, size u64, type u32, packed
  const e = (i: number, f: 'addr' | 'size' | 'type'): bigint | number =>
    f === 'type' ? v.getUint32(0x2d0 + i * 20 + 16, true) : v.getBigUint64(0x2d0 + i * 20 + (f === 'addr' ? 0 : 8), true);
  assert.deepEqual([e(0, 'addr'), e(0, 'size'), e(0, 'type')], [0n, 0x9fc00n, 1]);
  assert.deepEqual([e(1, 'addr'), e(1, 'size'), e(1, 'type')], [0x9fc00n, 0x40400n, 2]);
  assert.deepEqual([e(2, 'addr'), e(2, 'size'), e(2, 'type')], [0x100000n, BigInt(127 * MiB), 1]);
  for (let i = 0; i < page.length; i++) {
    if (written.some(([a, b]) => i >= a && i < b)) continue;
    assert.equal(page[i], 0, `byte ${i.toString(16)} should be zero`);
  }
});

test('zero page without initrd, RSDP or setup_data leaves those fields zero', () => {
  const page = buildZeroPage({ cmdlineGpa: gpa(0x20000), cmdlineSize: 1, e820: [] });
  const v = new DataView(page.buffer);
  assert.equal(v.getUint32(0x218, true), 0);
  assert.equal(v.getBigUint64(0x070, true), 0n);
  assert.equal(v.getBigUint64(0x250, true), 0n);
  assert.equal(v.getUint8(0x1e8), 0);
});

test('addresses above 4 GiB go to the ext_ fields (zero-page.rst)', () => {
  const page = buildZeroPage({
    cmdlineGpa: gpa(5 * GiB + 0x20000),
    cmdlineSize: 1,
    e820: [],
    initrd: { gpa: gpa(4 * GiB + 0x1000), size: 0x1000 },
  });
  const v = new DataView(page.buffer);
  assert.equal(v.getUint32(0x228, true), 0x20000 + GiB);
  assert.equal(v.getUint32(0x0c8, true), 1); // ext_cmd_line_ptr
  assert.equal(v.getUint32(0x218, true), 0x1000);
  assert.equal(v.getUint32(0x0c0, true), 1); // ext_ramdisk_image
  assert.equal(v.getUint32(0x0c4, true), 0); // ext_ramdisk_size
});

test('a bzImage setup header is copied in, then the loader fields are overwritten', () => {
  const image = buildBzImage({ version: 0x020f, kernelAlignment: 0x200000, cmdlineSize: 2047 });
  const hdr = image.slice(0x1f1, 0x1f1 + setupHeaderLength(image));
  const page = buildZeroPage({ setupHeader: hdr, cmdlineGpa: gpa(0x20000), cmdlineSize: 100, e820: [] });
  const v = new DataView(page.buffer);
  assert.equal(v.getUint16(0x206, true), 0x020f); // version kept
  assert.equal(v.getUint16(0x236, true), 0x3); // xloadflags kept
  assert.equal(v.getUint32(0x230, true), 0x200000); // kernel_alignment kept, not the ELF default
  assert.equal(v.getBigUint64(0x258, true), 0x1000000n); // pref_address kept
  assert.equal(v.getUint8(0x210), 0xff); // type_of_loader written
  assert.equal(v.getUint32(0x228, true), 0x20000);
  assert.equal(v.getUint32(0x238, true), 100);
});

test('zero page refusals: oversized header, command line longer than the kernel accepts, too many e820 entries', () => {
  const code = (c: string) => (e: unknown) => e instanceof LoaderError && e.code === c;
  assert.throws(
    () => buildZeroPage({ setupHeader: new Uint8Array(0x290 - 0x1f1 + 1), cmdlineGpa: gpa(0), cmdlineSize: 1, e820: [] }),
    code('malformed'),
  );
  const hdr = buildBzImage({ cmdlineSize: 255 }).slice(0x1f1, 0x26c);
  assert.throws(() => buildZeroPage({ setupHeader: hdr, cmdlineGpa: gpa(0x20000), cmdlineSize: 257, e820: [] }), code('bad-cmdline'));
  assert.doesNotThrow(() => buildZeroPage({ setupHeader: hdr, cmdlineGpa: gpa(0x20000), cmdlineSize: 256, e820: [] }));
  const many = Array.from({ length: E820_MAX_ENTRIES_ZEROPAGE + 1 }, (_, i) => ({ addr: i * 0x1000, size: 0x1000, type: E820_RAM }));
  assert.throws(() => buildZeroPage({ cmdlineGpa: gpa(0), cmdlineSize: 1, e820: many }), code('does-not-fit'));
  assert.doesNotThrow(() => buildZeroPage({ cmdlineGpa: gpa(0), cmdlineSize: 1, e820: many.slice(1) }));
});

test('setup_data node: next u64, type u32, len u32, then the payload (SETUP_DTB = 2)', () => {
  assert.equal(SETUP_DTB, 2);
  const node = encodeSetupData(SETUP_DTB, Uint8Array.of(0xd0, 0x0d, 0xfe), 0x1122334455667788n);
  assert.deepEqual([...node], [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 2, 0, 0, 0, 3, 0, 0, 0, 0xd0, 0x0d, 0xfe]);
  assert.deepEqual([...encodeSetupData(1, new Uint8Array(0))], [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
});
