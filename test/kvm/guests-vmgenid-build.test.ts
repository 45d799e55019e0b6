// The vmgenid micro-guest's discovery path run on the host: guests/vmgenid.c with the runtime's boot.c
// (zero page → setup_data) and fdt.c (DTSpec v0.4 ch. 5), compiled natively against stubs, reading a
// zero page, setup_data list, DTB and ID laid out in a fixed mapping as bothy lays them out in guest memory.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from '../support/tools.js';
import { REPO_ROOT } from '../support/bothy-process.js';
import { buildZeroPage, encodeSetupData, SETUP_DATA, SETUP_DTB } from '../../src/arch/x86_64/boot-params.js';
import { buildX86Dtb } from '../../src/firmware/fdt/x86-dtb.js';
import { vmgenidFdt } from '../../src/devices/vmgenid/vmgenid-fdt.js';
import { gpa, gsi, type Gpa } from '../../src/memory/address.js';

/** Where the driver maps the image: low enough for the zero page's 32-bit cmd_line_ptr, clear of a non-PIE binary. */
const BASE = 0x2000_0000;
const IMAGE = { ID: 0x0000, ZERO_PAGE: 0x1000, CMDLINE: 0x2000, SETUP_DATA: 0x3000, SIZE: 0x10000 } as const;
const at = (off: number): Gpa => gpa(BASE + off);

const UUID = '324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87';
/** The same ID as QEMU stores it (qemu_uuid_bswap: time_low, time_mid, time_hi_and_version little-endian). */
const UUID_GUEST_BYTES = Uint8Array.of(
  0xaf, 0x6e, 0x4e, 0x32, 0xd1, 0xd1, 0xf6, 0x4b, 0xbf, 0x41, 0xb9, 0xbb, 0x6c, 0x91, 0xfb, 0x87,
);

const DRIVER_C = `
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"

/* The once path must not reach the interrupt plumbing. */
void irq_set_handler(uint8_t vector, irq_handler_t fn) { (void)vector; (void)fn; abort(); }
void ioapic_route(uint32_t gsi, uint8_t vector, uint32_t flags) { (void)gsi; (void)vector; (void)flags; abort(); }
uint32_t isa_irq_gsi(uint8_t irq) { (void)irq; abort(); }
uint32_t isa_irq_ioapic_flags(uint8_t irq) { (void)irq; abort(); }
void pit_init(uint32_t hz) { (void)hz; abort(); }

/* argv: image file, base, size, zero-page offset, protocol (linux64 | pvh). */
int main(int argc, char **argv) {
  if (argc != 6) return 100;
  uintptr_t base = strtoull(argv[2], 0, 0);
  size_t size = strtoull(argv[3], 0, 0);
  void *m = mmap((void *)base, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (m != (void *)base) return 101;
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0 || read(fd, m, size) <= 0) return 102;
  if (strcmp(argv[5], "pvh") == 0) boot_info_init(BOOT_PROTO_PVH, 0);
  else boot_info_init(BOOT_PROTO_LINUX64, base + strtoull(argv[4], 0, 0));
  return guest_main();
}
`;

const skip = !hasTool('gcc') ? 'gcc not installed' : false;
let dir = '';
let driver = '';

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'bothy-vmgenid-'));
  writeFileSync(join(dir, 'driver.c'), DRIVER_C);
  driver = join(dir, 'host-vmgenid');
  execFileSync(
    'gcc',
    [
      '-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-fno-builtin', '-no-pie', '-Iguests/runtime',
      'guests/vmgenid.c', 'guests/runtime/fdt.c', 'guests/runtime/boot.c', join(dir, 'driver.c'), '-o', driver,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Image {
  readonly cmdline?: string;
  /** setup_data payloads in list order; none leaves hdr.setup_data 0. */
  readonly setupData?: readonly { readonly type: number; readonly payload: Uint8Array }[];
  readonly protocol?: 'linux64' | 'pvh';
}

function runImage(img: Image): { readonly out: string; readonly status: number | null } {
  const mem = new Uint8Array(IMAGE.SIZE);
  mem.set(UUID_GUEST_BYTES, IMAGE.ID);
  const cmdline = new TextEncoder().encode(`${img.cmdline ?? 'once'}\0`);
  mem.set(cmdline, IMAGE.CMDLINE);
  const nodes = img.setupData ?? [];
  let off: number = IMAGE.SETUP_DATA;
  nodes.forEach((n, i) => {
    const next = i + 1 < nodes.length ? BigInt(BASE + off + SETUP_DATA.size + align16(n.payload.length)) : 0n;
    const node = encodeSetupData(n.type, n.payload, next);
    mem.set(node, off);
    off += SETUP_DATA.size + align16(n.payload.length);
  });
  const zeroPage = buildZeroPage({
    cmdlineGpa: at(IMAGE.CMDLINE),
    cmdlineSize: cmdline.length,
    e820: [],
    ...(nodes.length > 0 ? { setupData: at(IMAGE.SETUP_DATA) } : {}),
  });
  mem.set(zeroPage, IMAGE.ZERO_PAGE);
  const file = join(dir, 'image.bin');
  writeFileSync(file, mem);
  const r = spawnSync(
    driver,
    [file, String(BASE), String(IMAGE.SIZE), String(IMAGE.ZERO_PAGE), img.protocol ?? 'linux64'],
    { encoding: 'utf8' },
  );
  return { out: r.stdout, status: r.status };
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

function bothyDtb(vmgenidGsi = 5): Uint8Array {
  return buildX86Dtb({ devices: [vmgenidFdt({ gpa: at(IMAGE.ID), gsi: gsi(vmgenidGsi) })] });
}

test('reads the ID, its address and GSI from the DTB bothy builds', { skip }, () => {
  const r = runImage({ setupData: [{ type: SETUP_DTB, payload: bothyDtb(7) }] });
  assert.equal(r.out, `vmgenid: id ${UUID} at 0x${BASE.toString(16)} gsi 7\n`);
  assert.equal(r.status, 0);
});

test('finds the SETUP_DTB node further down the setup_data list', { skip }, () => {
  const other = 0x7fff_0001;
  const r = runImage({
    setupData: [
      { type: other, payload: new Uint8Array(20).fill(0xd0) },
      { type: SETUP_DTB, payload: bothyDtb() },
    ],
  });
  assert.equal(r.out, `vmgenid: id ${UUID} at 0x${BASE.toString(16)} gsi 5\n`);
  assert.equal(r.status, 0);
});

test(
  'walks a dtc-built tree: nested bus cells, inherited interrupt-parent, compatible string list',
  { skip: skip || (!hasTool('dtc') && 'dtc not installed') },
  () => {
    const dts = `/dts-v1/;
/ {
  #address-cells = <2>;
  #size-cells = <2>;
  interrupt-parent = <&ioapic>;
  ioapic: interrupt-controller@fec00000 {
    compatible = "intel,ce4100-ioapic";
    reg = <0 0xfec00000 0 0x1000>;
    interrupt-controller;
    #interrupt-cells = <2>;
    #address-cells = <0>;
  };
  bus@0 {
    compatible = "simple-bus";
    #address-cells = <1>;
    #size-cells = <1>;
    ranges;
    other@1000 { compatible = "acme,vmgenid-lookalike"; reg = <0x1000 0x10>; };
    vmgenid@${BASE.toString(16)} {
      compatible = "acme,genid", "microsoft,vmgenid";
      reg = <0x${BASE.toString(16)} 0x10>;
      interrupts = <11 3>;
    };
  };
};
`;
    writeFileSync(join(dir, 'nested.dts'), dts);
    const dtb = execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', join(dir, 'nested.dts')]);
    const r = runImage({ setupData: [{ type: SETUP_DTB, payload: new Uint8Array(dtb) }] });
    assert.equal(r.out, `vmgenid: id ${UUID} at 0x${BASE.toString(16)} gsi 11\n`);
    assert.equal(r.status, 0);
  },
);

test('without setup_data, and on the PVH entry, says there is no DTB and fails', { skip }, () => {
  const images: readonly Image[] = [{}, { protocol: 'pvh', setupData: [{ type: SETUP_DTB, payload: bothyDtb() }] }];
  for (const img of images) {
    const r = runImage(img);
    assert.equal(r.out, 'vmgenid: no DTB\n');
    assert.equal(r.status, 1);
  }
});

test('a DTB without the vmgenid node, or a damaged one, fails with the reason', { skip }, () => {
  let r = runImage({ setupData: [{ type: SETUP_DTB, payload: buildX86Dtb({ devices: [] }) }] });
  assert.equal(r.out, 'vmgenid: no microsoft,vmgenid node in the DTB\n');
  assert.equal(r.status, 1);

  const badMagic = bothyDtb();
  badMagic[0] = 0;
  r = runImage({ setupData: [{ type: SETUP_DTB, payload: badMagic }] });
  assert.match(r.out, /^vmgenid: the SETUP_DTB node \(\d+ bytes at 0x[0-9a-f]+\) is not a version-17 devicetree\n$/);
  assert.equal(r.status, 1);

  // setup_data.len shorter than the header's totalsize: the blob would run past its node.
  const truncated = bothyDtb().subarray(0, 64);
  r = runImage({ setupData: [{ type: SETUP_DTB, payload: truncated }] });
  assert.match(r.out, /is not a version-17 devicetree/);
  assert.equal(r.status, 1);
});
