import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteSink } from '../../binary/byte-sink.js';
import { gpa, gsi } from '../../memory/address.js';
import { buildAcpiTables, tablesForDump } from '../../firmware/acpi/acpi-tables.js';
import {
  acpiexecBatch,
  evaluation,
  iaslDisassemble,
  integersIn,
  stringIn,
  toolComplaints,
  toolMissing,
  writeTableFiles,
} from '../../firmware/acpi/testing.js';
import { GedAml } from '../ged/ged-aml.js';
import { vmgenidAml, vmgenidGedEvent } from './vmgenid-aml.js';
import { hexBytes as h, asciiBytes as ascii } from '../../binary/test-bytes.js';

const GPA = gpa(0xdfff0);
const GSI = gsi(5);

test('VGEN AML: _HID "VMGENCTR", _CID and _DDN "VM_Gen_Counter", ADDR = Package {low, high}', () => {
  const out = new ByteSink();
  vmgenidAml({ gpa: GPA }).appendAml(out);
  assert.deepEqual(
    [...out.toBytes()],
    [
      ...h('5B 82 43 05 5C 2E 5F 53 42 5F 56 47 45 4E'),
      ...h('08 5F 48 49 44 0D'), ...ascii('VMGENCTR'), 0,
      ...h('08 5F 43 49 44 0D'), ...ascii('VM_Gen_Counter'), 0,
      ...h('08 5F 44 44 4E 0D'), ...ascii('VM_Gen_Counter'), 0,
      ...h('08 41 44 44 52 12 08 02 0C F0 FF 0D 00 00'),
    ],
  );
});

test('ADDR splits a 64-bit address into low and high halves', () => {
  const out = new ByteSink();
  vmgenidAml({ gpa: gpa(0x1_2345_6788) }).appendAml(out);
  const bytes = [...out.toBytes()];
  const addr = bytes.length - 14;
  assert.deepEqual(bytes.slice(addr), h('08 41 44 44 52 12 08 02 0C 88 67 45 23 01'), 'Name(ADDR, Package(2){0x23456788, One})');
});

/** The sections acpiexec printed, in order, for commands that evaluate `path`. */
function evaluations(output: string, path: string): string[] {
  return output.split('\nEvaluating ').filter((s) => s.startsWith(`${path}\n`));
}

test('iasl and acpiexec: VGEN ids, ADDR, and GED._EVT(gsi) notifies VGEN with 0x80', (t) => {
  const missing = toolMissing('iasl') ?? toolMissing('acpiexec');
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const ged = new GedAml().addEvent(vmgenidGedEvent(GSI));
  const dir = writeTableFiles(tablesForDump(buildAcpiTables({ vcpus: 1, devices: [vmgenidAml({ gpa: GPA }), ged] })));
  try {
    const d = iaslDisassemble(dir.dir, 'dsdt.dat');
    assert.equal(d.status, 0, d.output);
    assert.deepEqual(toolComplaints(d.output), []);
    assert.match(d.dsl, /Device \(\\_SB\.VGEN\)/);
    assert.match(d.dsl, /Name \(_HID, "VMGENCTR"\)/);
    assert.match(d.dsl, /Name \(_CID, "VM_Gen_Counter"\)/);
    assert.match(d.dsl, /Name \(ADDR, Package \(0x02\)\s*\{\s*0x000DFFF0,\s*Zero\s*\}\)/);
    assert.match(d.dsl, /If \(\(Arg0 == 0x05\)\)\s*\{\s*Notify \(\\_SB\.VGEN, 0x80\)/);

    const r = acpiexecBatch(dir.dir, ['dsdt.dat'], [
      'evaluate \\_SB.VGEN._HID',
      'evaluate \\_SB.VGEN._CID',
      'evaluate \\_SB.VGEN._DDN',
      'evaluate \\_SB.VGEN.ADDR',
      `evaluate \\_SB.GED._EVT ${GSI}`,
      `evaluate \\_SB.GED._EVT ${GSI + 1}`,
    ]);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(toolComplaints(r.output), []);
    assert.equal(stringIn(evaluation(r.output, '\\_SB.VGEN._HID')), 'VMGENCTR');
    // ACPICA upper-cases _CID strings (nsrepair2.c), which is how Linux's "VM_GEN_COUNTER" id matches.
    assert.equal(stringIn(evaluation(r.output, '\\_SB.VGEN._CID')), 'VM_GEN_COUNTER');
    assert.equal(stringIn(evaluation(r.output, '\\_SB.VGEN._DDN')), 'VM_Gen_Counter');
    assert.match(evaluation(r.output, '\\_SB.VGEN.ADDR'), /\[Package\] Contains 2 Elements/);
    assert.deepEqual(integersIn(evaluation(r.output, '\\_SB.VGEN.ADDR')), [0xdfff0n, 0n]);
    const [hit, miss] = evaluations(r.output, '\\_SB.GED._EVT');
    assert.match(hit ?? '', /Received a Device Notify on \[VGEN\] \S+ Value 0x80/);
    assert.doesNotMatch(miss ?? '', /Notify/, 'another GSI must not notify VGEN');
  } finally {
    dir.remove();
  }
});
