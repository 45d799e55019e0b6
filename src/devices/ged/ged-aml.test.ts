import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteSink } from '../../binary/byte-sink.js';
import { gsi } from '../../memory/address.js';
import { AcpiError } from '../../firmware/acpi/acpi-error.js';
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
import { GedAml } from './ged-aml.js';
import { hexBytes as h, asciiBytes as ascii } from '../../binary/test-bytes.js';

const bytesOf = (g: GedAml): number[] => {
  const out = new ByteSink();
  g.appendAml(out);
  return [...out.toBytes()];
};

test('GED AML: ACPI0013, _UID 0, one Interrupt per event, _EVT(Arg0) If/Notify (ACPI 6.5 §5.6.9)', () => {
  const ged = new GedAml().addEvent({ gsi: gsi(5), device: '\\_SB.VGEN', notifyValue: 0x80 });
  assert.deepEqual(bytesOf(ged), [
    ...h('5B 82 4F 04 5C 2E 5F 53 42 5F 47 45 44 5F'),
    ...h('08 5F 48 49 44 0D'), ...ascii('ACPI0013'), 0,
    ...h('08 5F 55 49 44 00'),
    ...h('08 5F 43 52 53 11 0E 0A 0B  89 06 00 03 01 05 00 00 00  79 EF'),
    ...h(`14 19 5F 45 56 54 09
            A0 12 93 68 0A 05
              86 5C 2E 5F 53 42 5F 56 47 45 4E 0A 80`),
  ]);
});

test('a GED with no events writes nothing', () => {
  assert.deepEqual(bytesOf(new GedAml()), []);
});

test('registration refuses a shared GSI, a notify value beyond a byte, and a bad path', () => {
  const ged = new GedAml().addEvent({ gsi: gsi(5), device: '\\_SB.VGEN', notifyValue: 0x80 });
  assert.throws(
    () => ged.addEvent({ gsi: gsi(5), device: '\\_SB.PWRB', notifyValue: 0x80 }),
    (e: unknown) => e instanceof AcpiError && e.code === 'bad-config' && /VGEN/.test(e.message),
  );
  assert.throws(() => ged.addEvent({ gsi: gsi(6), device: '\\_SB.PWRB', notifyValue: 0x100 }), (e: unknown) => e instanceof AcpiError && e.code === 'bad-value');
  assert.throws(() => ged.addEvent({ gsi: gsi(6), device: '\\_SB.toolong', notifyValue: 0x80 }), (e: unknown) => e instanceof AcpiError && e.code === 'bad-name');
  assert.deepEqual(ged.events.map((e) => e.gsi), [5]);
});

test('acpiexec: each GSI notifies only its own device', (t) => {
  const missing = toolMissing('iasl') ?? toolMissing('acpiexec');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  // \_SB.PWRB is always in bothy's DSDT, so a second source needs no extra device.
  const ged = new GedAml()
    .addEvent({ gsi: gsi(5), device: '\\_SB.PWRB', notifyValue: 0x80 })
    .addEvent({ gsi: gsi(7), device: '\\_SB.PWRB', notifyValue: 0x02 });
  const dir = writeTableFiles(tablesForDump(buildAcpiTables({ vcpus: 1, devices: [ged] })));
  try {
    const d = iaslDisassemble(dir.dir, 'dsdt.dat');
    assert.equal(d.status, 0, d.output);
    assert.deepEqual(toolComplaints(d.output), []);
    assert.match(d.dsl, /Interrupt \(ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, \)\s*\{\s*0x00000005,\s*\}/);
    assert.match(d.dsl, /Method \(_EVT, 1, Serialized\)/);

    const r = acpiexecBatch(dir.dir, ['dsdt.dat'], [
      'evaluate \\_SB.GED._HID',
      'evaluate \\_SB.GED._UID',
      'evaluate \\_SB.GED._CRS',
      'evaluate \\_SB.GED._EVT 7',
      'evaluate \\_SB.GED._EVT 6',
    ]);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(toolComplaints(r.output), []);
    assert.equal(stringIn(evaluation(r.output, '\\_SB.GED._HID')), 'ACPI0013');
    assert.deepEqual(integersIn(evaluation(r.output, '\\_SB.GED._UID')), [0n]);
    assert.deepEqual([...(bufferIn(evaluation(r.output, '\\_SB.GED._CRS')) ?? [])], h('89 06 00 03 01 05 00 00 00 89 06 00 03 01 07 00 00 00 79 55'));
    const evts = r.output.split('\nEvaluating ').filter((s) => s.startsWith('\\_SB.GED._EVT\n'));
    assert.equal(evts.length, 2);
    assert.match(evts[0] ?? '', /Received a System Notify on \[PWRB\] \S+ Value 0x02/);
    assert.doesNotMatch(evts[0] ?? '', /Value 0x80/);
    assert.doesNotMatch(evts[1] ?? '', /Notify/);
  } finally {
    dir.remove();
  }
});
