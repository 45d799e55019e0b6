import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialAml } from './serial-aml.js';
import { ByteSink } from '../../binary/byte-sink.js';
import { IRQS, PORTS } from '../../arch/x86_64/layout.js';
import { buildAcpiTables, tablesForDump } from '../../firmware/acpi/acpi-tables.js';
import {
  acpiexecBatch,
  bufferIn,
  evaluation,
  iaslDisassemble,
  integersIn,
  stringIn,
  toolComplaints,
  toolMissing,
  writeTableFiles,
} from '../../firmware/acpi/testing.js';
import { hexBytes as h } from '../../binary/test-bytes.js';

const com1 = serialAml({ name: 'COM1', uid: 0, base: PORTS.COM1, length: PORTS.COM1_LEN, irq: IRQS.COM1 });

test('COM1 AML: Device(\\_SB.COM1) with PNP0501, _UID 0, _DDN and IO 0x3F8/8 + IRQ 4', () => {
  const out = new ByteSink();
  com1.appendAml(out);
  assert.deepEqual(
    [...out.toBytes()],
    h(`5B 82 43 04 5C 2E 5F 53 42 5F 43 4F 4D 31
       08 5F 48 49 44 0C 41 D0 05 01
       08 5F 55 49 44 00
       08 5F 44 44 4E 0D 43 4F 4D 31 00
       08 5F 43 52 53 11 16 0A 13
         47 01 F8 03 F8 03 01 08
         89 06 00 03 01 04 00 00 00
         79 A9`),
  );
});

test('iasl and acpiexec read COM1 back', (t) => {
  const missing = toolMissing('iasl') ?? toolMissing('acpiexec');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const dir = writeTableFiles(tablesForDump(buildAcpiTables({ vcpus: 1, devices: [com1] })));
  try {
    const d = iaslDisassemble(dir.dir, 'dsdt.dat');
    assert.equal(d.status, 0, d.output);
    assert.deepEqual(toolComplaints(d.output), []);
    assert.match(d.dsl, /Device \(\\_SB\.COM1\)/);
    assert.match(d.dsl, /EisaId \("PNP0501"\)/);
    assert.match(d.dsl, /Name \(_DDN, "COM1"\)/);

    const r = acpiexecBatch(dir.dir, ['dsdt.dat'], ['evaluate \\_SB.COM1._HID', 'evaluate \\_SB.COM1._UID', 'evaluate \\_SB.COM1._DDN', 'evaluate \\_SB.COM1._CRS']);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(toolComplaints(r.output), []);
    assert.deepEqual(integersIn(evaluation(r.output, '\\_SB.COM1._HID')), [0x0105d041n]);
    assert.deepEqual(integersIn(evaluation(r.output, '\\_SB.COM1._UID')), [0n]);
    assert.equal(stringIn(evaluation(r.output, '\\_SB.COM1._DDN')), 'COM1');
    assert.deepEqual(
      [...(bufferIn(evaluation(r.output, '\\_SB.COM1._CRS')) ?? [])],
      h('47 01 F8 03 F8 03 01 08 89 06 00 03 01 04 00 00 00 79 A9'),
    );
  } finally {
    dir.remove();
  }
});
