import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdtWriter } from './fdt-writer.js';
import { FdtError } from './fdt-error.js';
import { FDT_HEADER, FDT_PROP_HEADER, FDT_RESERVE_ENTRY } from './fdt-header.js';
import { dtcDecompile, dtToolMissing, fdtget } from './testing.js';
import { hexBytes as h } from '../../binary/test-bytes.js';


test('FDT layouts have the spec sizes and offsets (DTSpec v0.4 §5.2-§5.4)', () => {
  assert.equal(FDT_HEADER.size, 40);
  assert.deepEqual(FDT_HEADER.offsets, {
    magic: 0,
    totalsize: 4,
    off_dt_struct: 8,
    off_dt_strings: 12,
    off_mem_rsvmap: 16,
    version: 20,
    last_comp_version: 24,
    boot_cpuid_phys: 28,
    size_dt_strings: 32,
    size_dt_struct: 36,
  });
  assert.equal(FDT_RESERVE_ENTRY.size, 16);
  assert.equal(FDT_PROP_HEADER.size, 8);
});

/** `/ { model = "a"; c { model = "b"; x; }; };` */
function smallTree(): Uint8Array {
  return new FdtWriter()
    .beginNode('')
    .propertyString('model', 'a')
    .beginNode('c')
    .propertyString('model', 'b')
    .propertyEmpty('x')
    .endNode()
    .endNode()
    .finish();
}
const SMALL_DTS = '/dts-v1/;\n/ { model = "a"; c { model = "b"; x; }; };\n';

test('a small tree encodes to the bytes the spec layout gives, with "model" stored once', () => {
  assert.deepEqual(
    [...smallTree()],
    h(`d0 0d fe ed  00 00 00 88  00 00 00 38  00 00 00 80  00 00 00 28
       00 00 00 11  00 00 00 10  00 00 00 00  00 00 00 08  00 00 00 48
       00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
       00 00 00 01  00 00 00 00
       00 00 00 03  00 00 00 02  00 00 00 00  61 00 00 00
       00 00 00 01  63 00 00 00
       00 00 00 03  00 00 00 02  00 00 00 00  62 00 00 00
       00 00 00 03  00 00 00 00  00 00 00 06
       00 00 00 02
       00 00 00 02
       00 00 00 09
       6d 6f 64 65 6c 00 78 00`),
  );
});

test('dtc compiles the same source to the same bytes', (t) => {
  const missing = dtToolMissing('dtc');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bothy-fdt-'));
  try {
    writeFileSync(join(dir, 'small.dts'), SMALL_DTS);
    const r = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', 'small.dtb', 'small.dts'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual([...smallTree()], [...readFileSync(join(dir, 'small.dtb'))]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function everyKind(): Uint8Array {
  const w = new FdtWriter({ bootCpuidPhys: 3 });
  w.addReservation({ address: 0x1000, size: 0x2000 }).addReservation({ address: 0x1_0000_0000n, size: 0x10 });
  w.beginNode('').propertyU32('#address-cells', 2).propertyU32('#size-cells', 2).propertyStringList('compatible', ['bothy,test', 'simple-bus']);
  const ph = w.allocPhandle();
  w.beginNode('intc@fec00000')
    .propertyEmpty('interrupt-controller')
    .propertyU32('#address-cells', 0)
    .propertyU32('#interrupt-cells', 2)
    .propertyReg([{ address: 0xfec0_0000, size: 0x1000 }])
    .propertyPhandle(ph)
    .endNode();
  w.beginNode('dev@100000000')
    .propertyReg([{ address: 0x1_0000_0000n, size: 16 }, { address: 0x2000, size: 0x20 }])
    .propertyU32('interrupt-parent', ph)
    .propertyCells('interrupts', [5, 3])
    .propertyU64('big', 0x1122_3344_5566_7788n)
    .property('raw', Uint8Array.of(1, 2, 3))
    .endNode();
  return w.endNode().finish();
}

test('dtc decompiles every property kind and the reservations without warnings', (t) => {
  const missing = dtToolMissing('dtc');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const r = dtcDecompile(everyKind());
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /\/memreserve\/\s+0x0+1000 0x0+2000;/);
  assert.match(r.stdout, /\/memreserve\/\s+0x0+100000000 0x0+10;/);
  assert.match(r.stdout, /compatible = "bothy,test\\0simple-bus";|compatible = "bothy,test", "simple-bus";/);
  assert.match(r.stdout, /intc@fec00000 \{[^}]*interrupt-controller;[^}]*#interrupt-cells = <0x02>;[^}]*reg = <0x00 0xfec00000 0x00 0x1000>;[^}]*phandle = <0x01>;/s);
  assert.match(r.stdout, /reg = <0x01 0x00 0x00 0x10 0x00 0x2000 0x00 0x20>;/);
  assert.match(r.stdout, /interrupts = <0x05 0x03>;/);
  assert.match(r.stdout, /big = <0x11223344 0x55667788>;/);
  assert.match(r.stdout, /raw = \[01 02 03\];/);
});

test('fdtget reads back cells, strings and 64-bit values', (t) => {
  const missing = dtToolMissing('fdtget');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const dtb = everyKind();
  assert.equal(fdtget(dtb, '/', 'compatible', 's').stdout.trim(), 'bothy,test simple-bus');
  assert.equal(fdtget(dtb, '/dev@100000000', 'interrupts', 'u').stdout.trim(), '5 3');
  assert.equal(fdtget(dtb, '/dev@100000000', 'big', 'x').stdout.trim(), '11223344 55667788');
  assert.equal(fdtget(dtb, '/intc@fec00000', 'phandle', 'u').stdout.trim(), '1');
});

test('header carries version 17, last compatible 16 and boot_cpuid_phys', () => {
  const hdr = FDT_HEADER.decode(everyKind());
  assert.equal(hdr.version, 17);
  assert.equal(hdr.last_comp_version, 16);
  assert.equal(hdr.boot_cpuid_phys, 3);
  assert.equal(hdr.off_mem_rsvmap % 8, 0);
  assert.equal(hdr.off_dt_struct % 4, 0);
});

const code = (c: FdtError['code']) => (e: unknown) => e instanceof FdtError && e.code === c;

test('the writer refuses trees a DTB consumer would misread', () => {
  assert.throws(() => new FdtWriter().beginNode('root'), code('bad-name'));
  assert.throws(() => new FdtWriter().beginNode('').beginNode('9lives'), code('bad-name'));
  assert.throws(() => new FdtWriter().beginNode('').beginNode('a'.repeat(32)), code('bad-name'));
  assert.throws(() => new FdtWriter().beginNode('').propertyU32('bad name', 1), code('bad-name'));
  assert.throws(() => new FdtWriter().propertyU32('x', 1), code('bad-structure'));
  assert.throws(() => new FdtWriter().beginNode('').beginNode('a').endNode().propertyU32('late', 1), code('bad-structure'));
  assert.throws(() => new FdtWriter().beginNode('').propertyU32('x', 1).propertyU32('x', 2), code('bad-structure'));
  assert.throws(() => new FdtWriter().beginNode('').beginNode('a').endNode().beginNode('a'), code('bad-structure'));
  assert.throws(() => new FdtWriter().beginNode('').endNode().beginNode(''), code('bad-structure'));
  assert.throws(() => new FdtWriter().endNode(), code('bad-structure'));
  assert.throws(() => new FdtWriter().beginNode('').finish(), code('bad-structure'));
  assert.throws(() => new FdtWriter().finish(), code('bad-structure'));
  assert.throws(() => new FdtWriter().beginNode('').propertyU32('x', 2 ** 32), code('bad-value'));
  assert.throws(() => new FdtWriter().beginNode('').propertyString('x', 'a\0b'), code('bad-value'));
  assert.throws(() => new FdtWriter().addReservation({ address: 0x1000, size: 0 }), code('bad-value'));
  assert.throws(() => new FdtWriter().beginNode('').propertyPhandle(0), code('bad-value'));
  const w = new FdtWriter().beginNode('').propertyPhandle(1);
  assert.throws(() => w.beginNode('a').propertyPhandle(1), code('bad-structure'));
  assert.equal(w.allocPhandle(), 2, 'allocPhandle skips phandles already written');
});

test('reg needs #address-cells = #size-cells = 2 on the parent', () => {
  // The spec defaults (2 address, 1 size cell) would make these bytes mean something else.
  assert.throws(() => new FdtWriter().beginNode('').beginNode('a@0').propertyReg([{ address: 0, size: 1 }]), code('bad-structure'));
  assert.throws(
    () => new FdtWriter().beginNode('').propertyU32('#address-cells', 1).propertyU32('#size-cells', 2).beginNode('a@0').propertyReg([{ address: 0, size: 1 }]),
    code('bad-structure'),
  );
  assert.throws(() => new FdtWriter().beginNode('').propertyReg([]), code('bad-structure'));
  const ok = new FdtWriter().beginNode('').propertyU32('#address-cells', 2).propertyU32('#size-cells', 2).beginNode('a@0');
  assert.doesNotThrow(() => ok.propertyReg([{ address: 0, size: 1 }]));
});
