import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpa, gsi } from '../../memory/address.js';
import { buildX86Dtb } from '../../firmware/fdt/x86-dtb.js';
import { parseFdt } from '../../firmware/fdt/fdt-reader.js';
import { cellsOf, requireNode, requireProperty, stringsOf, u64sOf } from '../../firmware/fdt/fdt-node.js';
import { dtcDecompile, dtToolMissing, fdtget, fdtgetSubnodes } from '../../firmware/fdt/testing.js';
import { vmgenidFdt } from './vmgenid-fdt.js';

const dtb = buildX86Dtb({ devices: [vmgenidFdt({ gpa: gpa(0xdfff0), gsi: gsi(5) })] });

test('the vmgenid node has exactly what microsoft,vmgenid.yaml asks for, plus interrupt-parent', () => {
  const root = parseFdt(dtb).root;
  const node = requireNode(root, '/vmgenid@dfff0');
  assert.deepEqual(node.properties.map((p) => p.name), ['compatible', 'reg', 'interrupt-parent', 'interrupts']);
  assert.deepEqual(stringsOf(requireProperty(node, 'compatible')), ['microsoft,vmgenid']);
  assert.deepEqual(u64sOf(requireProperty(node, 'reg')), [0xdfff0n, 16n]);
  const ioapic = requireNode(root, '/interrupt-controller@fec00000');
  assert.deepEqual(cellsOf(requireProperty(node, 'interrupt-parent')), cellsOf(requireProperty(ioapic, 'phandle')));
  // <pin 5, sense 3>: edge, active high in Linux's intel,ce4100-ioapic decoding.
  assert.deepEqual(cellsOf(requireProperty(node, 'interrupts')), [5, 3]);
});

test('dtc and fdtget show the vmgenid node with its reg and interrupts', (t) => {
  const missing = dtToolMissing('dtc') ?? dtToolMissing('fdtget');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const r = dtcDecompile(dtb);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'dtc has no warnings');
  assert.match(r.stdout, /vmgenid@dfff0 \{\s*compatible = "microsoft,vmgenid";\s*reg = <0x00 0xdfff0 0x00 0x10>;\s*interrupt-parent = <0x01>;\s*interrupts = <0x05 0x03>;\s*\};/);
  assert.match(fdtgetSubnodes(dtb, '/').stdout, /^vmgenid@dfff0$/m);
  assert.equal(fdtget(dtb, '/vmgenid@dfff0', 'compatible', 's').stdout.trim(), 'microsoft,vmgenid');
  assert.equal(fdtget(dtb, '/vmgenid@dfff0', 'reg', 'x').stdout.trim(), '0 dfff0 0 10');
  assert.equal(fdtget(dtb, '/vmgenid@dfff0', 'interrupts', 'u').stdout.trim(), '5 3');
  assert.equal(
    fdtget(dtb, '/vmgenid@dfff0', 'interrupt-parent', 'u').stdout.trim(),
    fdtget(dtb, '/interrupt-controller@fec00000', 'phandle', 'u').stdout.trim(),
  );
});
