import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAcpiTables, tablesForDump, type AcpiTables } from './acpi-tables.js';
import { RSDP } from './rsdp.js';
import { FADT } from './fadt.js';
import { SDT_HEADER } from './sdt-header.js';
import { AcpiError } from './acpi-error.js';
import type { AmlDevice } from './aml-device.js';
import * as aml from './aml/index.js';
import { sum8 } from '../../binary/checksum.js';
import { LAYOUT } from '../../arch/x86_64/layout.js';
import { hex } from '../../memory/address.js';
import {
  acpiexecBatch,
  bufferIn,
  evaluation,
  iaslCompile,
  iaslDisassemble,
  integersIn,
  toolComplaints,
  toolMissing,
  writeTableFiles,
} from './testing.js';

/** A stand-in device so this layer's tests need nothing from devices/. */
const testDevice: AmlDevice = {
  appendAml(out) {
    aml
      .device('\\_SB.TDEV', [
        aml.name('_HID', aml.eisaId('PNP0C02')),
        aml.name('_CRS', aml.resourceTemplate([aml.io(0x500, 4), aml.interrupt([7])])),
        aml.method('_STA', 0, [aml.ret(0x0f)]),
      ])
      .encodeInto(out);
  },
};

function table(r: AcpiTables, signature: string) {
  const t = r.tables.find((x) => x.signature === signature);
  assert.ok(t !== undefined, `${signature} present`);
  return t;
}

/** Resolves a guest address to the table placed there. */
function at(r: AcpiTables, address: bigint | number) {
  const t = r.tables.find((x) => BigInt(x.gpa) === BigInt(address));
  assert.ok(t !== undefined, `a table at 0x${address.toString(16)}`);
  return t;
}

for (const vcpus of [1, 2, 4]) {
  test(`table set for ${vcpus} vCPU(s): placement, checksums and pointers`, () => {
    const r = buildAcpiTables({ vcpus, devices: [testDevice] });
    assert.equal(r.rsdpGpa, LAYOUT.RSDP_START);
    assert.deepEqual(r.tables.map((t) => t.signature), ['DSDT', 'FACP', 'APIC', 'XSDT']);

    let prevEnd = 0;
    for (const t of r.tables) {
      assert.ok(t.gpa >= LAYOUT.SYSTEM_START && t.gpa + t.bytes.length <= LAYOUT.SYSTEM_END, `${t.signature} in region`);
      assert.ok(t.gpa >= prevEnd, `${t.signature} does not overlap the previous table`);
      prevEnd = t.gpa + t.bytes.length;
      assert.equal(sum8(t.bytes), 0, `${t.signature} checksum`);
      const h = SDT_HEADER.decode(t.bytes);
      assert.equal(Buffer.from(h.signature).toString('latin1'), t.signature);
      assert.equal(h.length, t.bytes.length);
    }
    assert.ok(prevEnd <= r.rsdpGpa, 'tables end before the RSDP');

    // RSDP → XSDT → {FACP, APIC}; FACP → DSDT.
    assert.equal(sum8(r.rsdp), 0);
    assert.equal(sum8(r.rsdp.subarray(0, 20)), 0);
    const xsdt = at(r, RSDP.decode(r.rsdp).xsdtAddress);
    assert.equal(xsdt.signature, 'XSDT');
    const view = new DataView(xsdt.bytes.buffer, xsdt.bytes.byteOffset);
    const entries = [];
    for (let o = SDT_HEADER.size; o < xsdt.bytes.length; o += 8) entries.push(at(r, view.getBigUint64(o, true)).signature);
    assert.deepEqual(entries, ['FACP', 'APIC']);
    const fadt = FADT.decode(table(r, 'FACP').bytes);
    assert.equal(at(r, fadt.xDsdt).signature, 'DSDT');
    assert.equal(at(r, fadt.dsdt).signature, 'DSDT');
    assert.equal(table(r, 'APIC').bytes.length, 44 + 8 * vcpus + 12);
  });
}

test('tables that overflow the system region are refused with a clear message', () => {
  const huge: AmlDevice = {
    appendAml(out) {
      aml.name('\\HUGE', aml.buffer(new Uint8Array(LAYOUT.SYSTEM_END - LAYOUT.SYSTEM_START))).encodeInto(out);
    },
  };
  assert.throws(
    () => buildAcpiTables({ vcpus: 1, devices: [huge] }),
    (e: unknown) => e instanceof AcpiError && e.code === 'no-space' && e.message.includes(`does not fit the system region ${hex(LAYOUT.SYSTEM_START)}–${hex(LAYOUT.SYSTEM_TABLES_END)}`),
  );
});

test('dump files: rsdp.dat plus one <signature>.dat per table, raw bytes', () => {
  const r = buildAcpiTables({ vcpus: 1, devices: [] });
  const files = tablesForDump(r);
  assert.deepEqual(files.map((f) => f.fileName), ['rsdp.dat', 'dsdt.dat', 'facp.dat', 'apic.dat', 'xsdt.dat']);
  assert.equal(files[0]?.bytes, r.rsdp);
  assert.equal(files[1]?.bytes, table(r, 'DSDT').bytes);
});

test('iasl -d disassembles every table without complaint', (t) => {
  const missing = toolMissing('iasl');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  for (const vcpus of [1, 2, 4]) {
    const dir = writeTableFiles(tablesForDump(buildAcpiTables({ vcpus, devices: [testDevice] })));
    try {
      const dsl: Record<string, string> = {};
      for (const name of ['dsdt', 'facp', 'apic', 'xsdt']) {
        const r = iaslDisassemble(dir.dir, `${name}.dat`);
        assert.equal(r.status, 0, `iasl -d ${name}.dat:\n${r.output}`);
        assert.deepEqual(toolComplaints(r.output), [], `iasl -d ${name}.dat`);
        assert.doesNotMatch(r.dsl, /Incorrect checksum|Invalid|Unknown/i, name);
        dsl[name] = r.dsl;
      }
      const { facp = '', apic = '', xsdt = '' } = dsl;
      const dsdt = (dsl['dsdt'] ?? '').replace(/\/\/[^\n]*/g, '');
      assert.match(dsdt, /DefinitionBlock \("", "DSDT", 2, "BOTHY ", "BOTHYDSD", 0x00000001\)/);
      assert.match(dsdt, /Name \(\\_S5, Package \(0x04\)/);
      assert.match(dsdt, /Device \(\\_SB\.PWRB\)[\s\S]*EisaId \("PNP0C0C"\)/);
      assert.match(dsdt, /Device \(\\_SB\.TDEV\)[\s\S]*IO \(Decode16,\s*0x0500,\s*0x0500,\s*0x01,\s*0x04,\s*\)/);
      assert.match(dsdt, /Interrupt \(ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, \)\s*\{\s*0x00000007,/);
      assert.match(dsdt, /Method \(_STA, 0, NotSerialized\)/);

      assert.match(facp, /Revision : 06/);
      assert.match(facp, /FADT Minor Revision : 05/);
      assert.match(facp, /Hardware Reduced \(V5\) : 1/);
      assert.match(facp, /Control Method Power Button \(V1\) : 1/);
      assert.match(facp, /Reset Register Supported \(V2\) : 1/);
      assert.match(facp, /VGA Not Present \(V4\) : 1/);
      assert.match(facp, /SCI Interrupt : 0009/);
      assert.match(facp, /Sleep Control Register : \[Generic Address Structure\]\s*\[[^\]]+\]\s*Space ID : 01 \[SystemIO\]\s*\[[^\]]+\]\s*Bit Width : 08[\s\S]*?Address : 0000000000000600/);
      assert.match(facp, /Sleep Status Register : \[Generic Address Structure\]\s*\[[^\]]+\]\s*Space ID : 01 \[SystemIO\][\s\S]*?Address : 0000000000000601/);
      assert.match(facp, /Reset Register : \[Generic Address Structure\]\s*\[[^\]]+\]\s*Space ID : 01 \[SystemIO\][\s\S]*?Address : 0000000000000602/);
      assert.match(facp, /Value to cause reset : 01/);
      assert.match(facp, /DSDT Address : 000000000009FC00/);

      assert.equal([...apic.matchAll(/Subtable Type : 00 \[Processor Local APIC\]/g)].length, vcpus);
      assert.equal([...apic.matchAll(/Processor Enabled : 1/g)].length, vcpus);
      assert.equal([...apic.matchAll(/Subtable Type : 01 \[I\/O APIC\]/g)].length, 1);
      assert.doesNotMatch(apic, /Interrupt Source Override/);
      assert.match(apic, /Local Apic Address : FEE00000/);
      assert.match(apic, /PC-AT Compatibility : 0/);
      assert.match(apic, /Address : FEC00000/);

      assert.equal([...xsdt.matchAll(/ACPI Table Address/g)].length, 2);
    } finally {
      dir.remove();
    }
  }
});

test('iasl compiles the same RSDP from a data-table source with our field values', (t) => {
  // iasl -d cannot take a standalone RSDP (it reads "PTR " as a table length), so run it the other way:
  // iasl's data-table compiler lays out the RSDP and computes both checksums itself.
  const missing = toolMissing('iasl');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const r = buildAcpiTables({ vcpus: 1, devices: [] });
  const xsdt = table(r, 'XSDT').gpa.toString(16).toUpperCase().padStart(16, '0');
  const source = [
    '[0008]          Signature : "RSD PTR "',
    '[0001]           Checksum : 00',
    '[0006]             Oem ID : "BOTHY "',
    '[0001]           Revision : 02',
    '[0004]       RSDT Address : 00000000',
    '[0004]             Length : 00000024',
    `[0008]       XSDT Address : ${xsdt}`,
    '[0001]  Extended Checksum : 00',
    '[0003]           Reserved : 000000',
    '',
  ].join('\n');
  const dir = writeTableFiles([{ fileName: 'rsdp.asl', bytes: new TextEncoder().encode(source) }]);
  try {
    const c = iaslCompile(dir.dir, 'rsdp.asl');
    assert.equal(c.status, 0, c.output);
    assert.match(c.output, /0 Errors, 0 Warnings/);
    assert.deepEqual(c.aml, r.rsdp);
  } finally {
    dir.remove();
  }
});

test('acpiexec loads the DSDT with our FADT and evaluates \\_S5 through the HW-reduced sleep path', (t) => {
  const missing = toolMissing('acpiexec');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const dir = writeTableFiles(tablesForDump(buildAcpiTables({ vcpus: 2, devices: [testDevice] })));
  try {
    const r = acpiexecBatch(dir.dir, ['dsdt.dat', 'facp.dat', 'apic.dat'], [
      'evaluate \\_S5',
      'evaluate \\_SB.PWRB._HID',
      'evaluate \\_SB.TDEV._CRS',
      'evaluate \\_SB.TDEV._STA',
      'sleep 5',
    ]);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(toolComplaints(r.output), []);
    assert.match(r.output, /FACP .*\(v06 BOTHY {2}BOTHYFAC/);
    assert.deepEqual(integersIn(evaluation(r.output, '\\_S5')), [5n, 0n, 0n, 0n]);
    assert.deepEqual(integersIn(evaluation(r.output, '\\_SB.PWRB._HID')), [0x0c0cd041n]);
    assert.deepEqual(integersIn(evaluation(r.output, '\\_SB.TDEV._STA')), [0x0fn]);
    const crs = bufferIn(evaluation(r.output, '\\_SB.TDEV._CRS'));
    assert.deepEqual(crs, aml.encodeResourceTemplate([aml.io(0x500, 4), aml.interrupt([7])]));
    // ACPICA takes the extended (HW-reduced) sleep path only when the FADT is HW-reduced with sleep registers.
    assert.match(r.output, /Sleep-A: 05/);
    assert.match(r.output, /HwExtendedSleep.*Entering sleep state \[S5\]/);
  } finally {
    dir.remove();
  }
});
