import { test } from 'node:test';
import assert from 'node:assert/strict';
import { i8042Aml } from './i8042-aml.js';
import { ByteSink } from '../../binary/byte-sink.js';
import { IRQS, PORTS } from '../../arch/x86_64/layout.js';
import { buildAcpiTables, tablesForDump } from '../../firmware/acpi/acpi-tables.js';
import {
  acpiexecBatch,
  bufferIn,
  evaluation,
  iaslDisassemble,
  integersIn,
  toolComplaints,
  toolMissing,
  writeTableFiles,
} from '../../firmware/acpi/testing.js';
import { hexBytes as h } from '../../binary/test-bytes.js';

const ps2 = i8042Aml({ dataPort: PORTS.I8042_DATA, commandPort: PORTS.I8042_COMMAND, irq: IRQS.I8042_KBD });
const CRS = h(`47 01 60 00 60 00 01 01
               47 01 64 00 64 00 01 01
               89 06 00 03 01 01 00 00 00
               79 D7`);

test('i8042 AML: Device(\\_SB.PS2_) with PNP0303, IO 0x60 and 0x64, IRQ 1', () => {
  const out = new ByteSink();
  ps2.appendAml(out);
  assert.deepEqual(
    [...out.toBytes()],
    [
      ...h(`5B 82 39 5C 2E 5F 53 42 5F 50 53 32 5F
            08 5F 48 49 44 0C 41 D0 03 03
            08 5F 43 52 53 11 1E 0A 1B`),
      ...CRS,
    ],
  );
});

test('iasl and acpiexec read PS2_ back', (t) => {
  const missing = toolMissing('iasl') ?? toolMissing('acpiexec');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const dir = writeTableFiles(tablesForDump(buildAcpiTables({ vcpus: 1, devices: [ps2] })));
  try {
    const d = iaslDisassemble(dir.dir, 'dsdt.dat');
    assert.equal(d.status, 0, d.output);
    assert.deepEqual(toolComplaints(d.output), []);
    assert.match(d.dsl, /Device \(\\_SB\.PS2\)/);
    assert.match(d.dsl, /EisaId \("PNP0303"\)/);

    const r = acpiexecBatch(dir.dir, ['dsdt.dat'], ['evaluate \\_SB.PS2_._HID', 'evaluate \\_SB.PS2_._CRS']);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(toolComplaints(r.output), []);
    assert.deepEqual(integersIn(evaluation(r.output, '\\_SB.PS2_._HID')), [0x0303d041n]);
    assert.deepEqual([...(bufferIn(evaluation(r.output, '\\_SB.PS2_._CRS')) ?? [])], CRS);
  } finally {
    dir.remove();
  }
});
