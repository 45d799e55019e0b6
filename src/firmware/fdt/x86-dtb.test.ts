import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAYOUT } from '../../arch/x86_64/layout.js';
import { gsi } from '../../memory/address.js';
import { FdtError } from './fdt-error.js';
import type { FdtDevice } from './fdt-device.js';
import { parseFdt } from './fdt-reader.js';
import { cellsOf, findByPhandle, requireNode, requireProperty, stringsOf, u64sOf } from './fdt-node.js';
import { buildX86Dtb, IOAPIC_DT_SENSE } from './x86-dtb.js';
import { dtcDecompile, dtToolMissing, fdtget } from './testing.js';

/** A stand-in device with one edge interrupt, so this test does not depend on devices/. */
const probe = (line: number): FdtDevice => ({
  fdtNode(w, ctx) {
    w.beginNode('probe@1000')
      .propertyString('compatible', 'bothy,probe')
      .propertyReg([{ address: 0x1000, size: 0x10 }])
      .propertyU32('interrupt-parent', ctx.interruptParent.phandle)
      .propertyCells('interrupts', ctx.interruptParent.specifier(gsi(line), 'edge-rising'))
      .endNode();
  },
});

test('root and IOAPIC nodes: compatible, 2/2 cells, IOAPIC reg, interrupt-controller, phandle', () => {
  const fdt = parseFdt(buildX86Dtb({ devices: [] }));
  assert.deepEqual(stringsOf(requireProperty(fdt.root, 'compatible')), ['bothy,microvm-x86']);
  assert.deepEqual(cellsOf(requireProperty(fdt.root, '#address-cells')), [2]);
  assert.deepEqual(cellsOf(requireProperty(fdt.root, '#size-cells')), [2]);
  const ioapic = requireNode(fdt.root, `/interrupt-controller@${LAYOUT.IOAPIC_START.toString(16)}`);
  assert.deepEqual(stringsOf(requireProperty(ioapic, 'compatible')), ['intel,ce4100-ioapic']);
  assert.deepEqual(u64sOf(requireProperty(ioapic, 'reg')), [BigInt(LAYOUT.IOAPIC_START), 0x1000n]);
  assert.equal(requireProperty(ioapic, 'interrupt-controller').value.length, 0);
  assert.deepEqual(cellsOf(requireProperty(ioapic, '#interrupt-cells')), [2]);
  const ph = cellsOf(requireProperty(ioapic, 'phandle'))[0] ?? 0;
  assert.equal(findByPhandle(fdt.root, ph), ioapic);
});

test('devices get the IOAPIC as interrupt parent and <pin sense> cells, edge rising = 3', () => {
  const fdt = parseFdt(buildX86Dtb({ devices: [probe(5)] }));
  const ioapic = requireNode(fdt.root, '/interrupt-controller@fec00000');
  const dev = requireNode(fdt.root, '/probe@1000');
  assert.deepEqual(cellsOf(requireProperty(dev, 'interrupt-parent')), cellsOf(requireProperty(ioapic, 'phandle')));
  assert.deepEqual(cellsOf(requireProperty(dev, 'interrupts')), [5, IOAPIC_DT_SENSE.EDGE_RISING]);
  assert.equal(IOAPIC_DT_SENSE.EDGE_RISING, 3);
});

test('a GSI beyond the 24 IOAPIC pins is refused', () => {
  assert.throws(() => buildX86Dtb({ devices: [probe(24)] }), (e: unknown) => e instanceof FdtError && e.code === 'bad-value');
});

test('dtc decompiles the x86 DTB without warnings; fdtget reads the IOAPIC', (t) => {
  const missing = dtToolMissing('dtc') ?? dtToolMissing('fdtget');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const dtb = buildX86Dtb({ devices: [probe(5)] });
  const r = dtcDecompile(dtb);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /compatible = "bothy,microvm-x86";/);
  assert.match(r.stdout, /interrupt-controller@fec00000 \{/);
  assert.equal(fdtget(dtb, '/interrupt-controller@fec00000', 'reg', 'x').stdout.trim(), '0 fec00000 0 1000');
  assert.equal(fdtget(dtb, '/interrupt-controller@fec00000', 'compatible', 's').stdout.trim(), 'intel,ce4100-ioapic');
});
