import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFdt } from './fdt-reader.js';
import { FdtWriter } from './fdt-writer.js';
import { FdtError } from './fdt-error.js';
import { FDT_HEADER, FDT_NOP } from './fdt-header.js';
import { cellsOf, findByPhandle, findNode, requireNode, requireProperty, stringsOf, u64sOf } from './fdt-node.js';
import { dtToolMissing } from './testing.js';

function sample(): Uint8Array {
  const w = new FdtWriter();
  w.addReservation({ address: 0x9fc00, size: 0x400 });
  w.beginNode('').propertyU32('#address-cells', 2).propertyU32('#size-cells', 2).propertyString('compatible', 'bothy,test');
  const ph = w.allocPhandle();
  w.beginNode('intc@fec00000').propertyEmpty('interrupt-controller').propertyPhandle(ph).endNode();
  w.beginNode('bus').beginNode('leaf@1').propertyStringList('names', ['x', 'yz']).endNode().endNode();
  w.beginNode('dev@dfff0').propertyReg([{ address: 0xdfff0, size: 16 }]).propertyCells('interrupts', [5, 3]).endNode();
  return w.endNode().finish();
}

test('a written tree parses back to the same nodes, properties and reservations', () => {
  const fdt = parseFdt(sample());
  assert.equal(fdt.header.version, 17);
  assert.deepEqual(fdt.reservations, [{ address: 0x9fc00n, size: 0x400n }]);
  assert.equal(fdt.root.name, '');
  assert.deepEqual(fdt.root.children.map((c) => c.name), ['intc@fec00000', 'bus', 'dev@dfff0']);
  assert.deepEqual(cellsOf(requireProperty(fdt.root, '#size-cells')), [2]);
  assert.deepEqual(stringsOf(requireProperty(fdt.root, 'compatible')), ['bothy,test']);
  assert.deepEqual(stringsOf(requireProperty(requireNode(fdt.root, '/bus/leaf@1'), 'names')), ['x', 'yz']);
  const dev = requireNode(fdt.root, '/dev@dfff0');
  assert.deepEqual(u64sOf(requireProperty(dev, 'reg')), [0xdfff0n, 16n]);
  assert.deepEqual(cellsOf(requireProperty(dev, 'interrupts')), [5, 3]);
  assert.equal(requireProperty(requireNode(fdt.root, '/intc@fec00000'), 'interrupt-controller').value.length, 0);
  assert.equal(findByPhandle(fdt.root, 1)?.name, 'intc@fec00000');
  assert.equal(findByPhandle(fdt.root, 2), undefined);
  assert.equal(findNode(fdt.root, '/nope'), undefined);
  assert.throws(() => requireNode(fdt.root, '/nope'), (e) => e instanceof FdtError && e.code === 'not-found');
});

test('the reader skips FDT_NOP tokens', () => {
  // Overwrite the empty property "gone" (FDT_PROP, len, nameoff: 12 bytes) with three NOPs.
  const w = new FdtWriter().beginNode('').propertyEmpty('gone').propertyU32('kept', 7).endNode();
  const blob = w.finish();
  const off = FDT_HEADER.get(blob, 'off_dt_struct') + 8; // after BEGIN_NODE and the root's empty name
  const view = new DataView(blob.buffer, blob.byteOffset);
  for (let i = 0; i < 3; i++) view.setUint32(off + 4 * i, FDT_NOP, false);
  const fdt = parseFdt(blob);
  assert.deepEqual(fdt.root.properties.map((p) => p.name), ['kept']);
});

test('the reader parses a DTB that dtc compiled', (t) => {
  const missing = dtToolMissing('dtc');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bothy-fdt-'));
  try {
    writeFileSync(
      join(dir, 'x.dts'),
      '/dts-v1/;\n/memreserve/ 0x1000 0x100;\n/ { #address-cells = <2>; #size-cells = <2>;\n' +
        '  n1: node@10 { reg = <0 0x10 0 0x20>; s = "hello", "world"; };\n  other { ref = <&n1>; }; };\n',
    );
    const r = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', 'x.dtb', 'x.dts'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const fdt = parseFdt(new Uint8Array(readFileSync(join(dir, 'x.dtb'))));
    assert.deepEqual(fdt.reservations, [{ address: 0x1000n, size: 0x100n }]);
    const node = requireNode(fdt.root, '/node@10');
    assert.deepEqual(u64sOf(requireProperty(node, 'reg')), [0x10n, 0x20n]);
    assert.deepEqual(stringsOf(requireProperty(node, 's')), ['hello', 'world']);
    const ref = cellsOf(requireProperty(requireNode(fdt.root, '/other'), 'ref'))[0] ?? 0;
    assert.equal(findByPhandle(fdt.root, ref)?.name, 'node@10');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const blobError = (e: unknown) => e instanceof FdtError && e.code === 'bad-blob';

test('the reader rejects damaged blobs with a reason', () => {
  const good = sample();
  assert.throws(() => parseFdt(good.subarray(0, 20)), blobError);
  const badMagic = good.slice();
  FDT_HEADER.set(badMagic, 'magic', 0xdeadbeef);
  assert.throws(() => parseFdt(badMagic), /magic is 0xdeadbeef/);
  assert.throws(() => parseFdt(good.subarray(0, good.length - 1)), /totalsize/);
  const oldVersion = good.slice();
  FDT_HEADER.set(oldVersion, 'version', 15);
  assert.throws(() => parseFdt(oldVersion), blobError);
  const badToken = good.slice();
  const structAt = FDT_HEADER.get(badToken, 'off_dt_struct');
  new DataView(badToken.buffer).setUint32(structAt, 0x77, false);
  assert.throws(() => parseFdt(badToken), /unknown token 0x77/);
  const noEnd = good.slice();
  FDT_HEADER.set(noEnd, 'size_dt_struct', FDT_HEADER.get(noEnd, 'size_dt_struct') - 4);
  assert.throws(() => parseFdt(noEnd), /without FDT_END/);
  const badName = good.slice();
  FDT_HEADER.set(badName, 'size_dt_strings', 0);
  assert.throws(() => parseFdt(badName), /name offset 0 is outside/);
  const unterminated = good.slice();
  FDT_HEADER.set(unterminated, 'size_dt_strings', 2);
  assert.throws(() => parseFdt(unterminated), /not NUL-terminated/);
});
