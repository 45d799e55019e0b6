import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMadt, IO_APIC, MADT, MADT_TYPE, PROCESSOR_LOCAL_APIC } from './madt.js';
import { SDT_HEADER } from './sdt-header.js';
import { sum8 } from '../../binary/checksum.js';
import { LAYOUT } from '../../arch/x86_64/layout.js';
import { AcpiError } from './acpi-error.js';

test('MADT layouts (§5.2.12)', () => {
  assert.equal(MADT.size, 44);
  assert.equal(MADT.offsets.localInterruptControllerAddress, 36);
  assert.equal(MADT.offsets.flags, 40);
  assert.equal(PROCESSOR_LOCAL_APIC.size, 8);
  assert.equal(IO_APIC.size, 12);
  assert.equal(IO_APIC.offsets.ioApicAddress, 4);
  assert.equal(IO_APIC.offsets.globalSystemInterruptBase, 8);
});

/** Walks the interrupt controller structures by their type/length bytes. */
function entries(t: Uint8Array): { type: number; at: number }[] {
  const out: { type: number; at: number }[] = [];
  for (let at = MADT.size; at < t.length; ) {
    const type = t[at] ?? -1;
    const len = t[at + 1] ?? 0;
    assert.ok(len > 0, 'entry length');
    out.push({ type, at });
    at += len;
  }
  return out;
}

for (const vcpus of [1, 2, 4]) {
  test(`MADT for ${vcpus} vCPU(s): one enabled LAPIC each, one IOAPIC, no overrides`, () => {
    const t = buildMadt({ vcpus });
    assert.equal(t.length, 44 + 8 * vcpus + 12);
    assert.equal(sum8(t), 0);
    const h = SDT_HEADER.decode(t);
    assert.equal(Buffer.from(h.signature).toString('latin1'), 'APIC');
    assert.equal(h.length, t.length);
    const m = MADT.decode(t);
    assert.equal(m.localInterruptControllerAddress, LAYOUT.LAPIC_START);
    assert.equal(m.flags, 0);

    const es = entries(t);
    const lapics = es.filter((e) => e.type === MADT_TYPE.PROCESSOR_LOCAL_APIC);
    assert.equal(lapics.length, vcpus);
    lapics.forEach((e, i) => {
      const l = PROCESSOR_LOCAL_APIC.decode(t, e.at);
      assert.deepEqual(l, { type: 0, length: 8, acpiProcessorUid: i, apicId: i, flags: 1 });
    });
    const ioapics = es.filter((e) => e.type === MADT_TYPE.IO_APIC);
    assert.equal(ioapics.length, 1);
    const io = IO_APIC.decode(t, ioapics[0]?.at ?? -1);
    assert.deepEqual(io, { type: 1, length: 12, ioApicId: 0, reserved: 0, ioApicAddress: LAYOUT.IOAPIC_START, globalSystemInterruptBase: 0 });
    assert.equal(es.length, vcpus + 1, 'no Interrupt Source Override or other entries');
  });
}

test('vCPU counts the MADT cannot express are refused', () => {
  for (const bad of [0, 256, 1.5, -1]) {
    assert.throws(() => buildMadt({ vcpus: bad }), (e: unknown) => e instanceof AcpiError && e.code === 'bad-config', String(bad));
  }
  assert.equal(buildMadt({ vcpus: 255 }).length, 44 + 8 * 255 + 12);
});
