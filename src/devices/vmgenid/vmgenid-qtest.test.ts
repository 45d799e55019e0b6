// QEMU's tests/qtest/vmgenid-test.c (set-guid, set-guid-auto, query-monitor) ported to bothy: the
// device writes into a fake guest memory, and the test finds the GUID the way firmware-blind guest
// code would: RSDP below 1 MiB → XSDT → FADT.X_DSDT → the ADDR package in the DSDT's AML.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAYOUT } from '../../arch/x86_64/layout.js';
import { gsi, MiB, type Gpa } from '../../memory/address.js';
import { buildAcpiTables } from '../../firmware/acpi/acpi-tables.js';
import { FADT } from '../../firmware/acpi/fadt.js';
import { RSDP, RSDP_SIGNATURE } from '../../firmware/acpi/rsdp.js';
import { SDT_HEADER } from '../../firmware/acpi/sdt-header.js';
import { XSDT_ENTRY_SIZE } from '../../firmware/acpi/xsdt.js';
import { AML } from '../../firmware/acpi/aml/opcodes.js';
import { GedAml } from '../ged/ged-aml.js';
import { RecordingIrqLine } from '../testing.js';
import { formatUuid, fromGuestByteOrder, parseUuid, randomUuidV4 } from './uuid.js';
import { VmGenId, vmgenidState, VMGENID_ALIGN, VMGENID_SIZE } from './vmgenid.js';
import { vmgenidAml, vmgenidGedEvent } from './vmgenid-aml.js';

const RSDP_SEARCH_END = 0x10_0000;
const RSDP_SEARCH_STEP = 16;
/** Where Firecracker's LastMatch allocation puts it: the top 16 bytes of the system region. */
const VMGENID_GPA = (LAYOUT.SYSTEM_END - VMGENID_SIZE) as Gpa;

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** A VM with vmgenid as the builder wires it: ACPI tables and the ID in one flat low-memory image. */
function bootVm(guid: Uint8Array): { mem: Uint8Array; dev: VmGenId; irq: RecordingIrqLine } {
  const mem = new Uint8Array(1 * MiB);
  const tables = buildAcpiTables({
    vcpus: 1,
    devices: [vmgenidAml({ gpa: VMGENID_GPA }), new GedAml().addEvent(vmgenidGedEvent(gsi(5)))],
  });
  for (const t of tables.tables) mem.set(t.bytes, t.gpa);
  mem.set(tables.rsdp, tables.rsdpGpa);
  for (const t of tables.tables) {
    assert.ok(t.gpa + t.bytes.length <= VMGENID_GPA, `${t.signature} must not overlap the vmgenid buffer`);
  }
  const irq = new RecordingIrqLine();
  const dev = new VmGenId(vmgenidState({ gpa: VMGENID_GPA, gsi: gsi(5), uuid: guid }), {
    irq,
    write16: (b) => mem.set(b, VMGENID_GPA),
  });
  dev.afterRestore();
  return { mem, dev, irq };
}

function findRsdp(mem: Uint8Array): number {
  for (let at = 0; at < RSDP_SEARCH_END; at += RSDP_SEARCH_STEP) {
    if (latin1(mem.subarray(at, at + 8)) === RSDP_SIGNATURE) return at;
  }
  assert.fail('no RSDP below 1 MiB');
}

function table(mem: Uint8Array, at: number): Uint8Array {
  return mem.subarray(at, at + SDT_HEADER.get(mem, 'length', at));
}

function findDsdt(mem: Uint8Array): Uint8Array {
  const xsdt = table(mem, Number(RSDP.get(mem, 'xsdtAddress', findRsdp(mem))));
  for (let e = SDT_HEADER.size; e < xsdt.length; e += XSDT_ENTRY_SIZE) {
    const at = Number(new DataView(xsdt.buffer, xsdt.byteOffset + e).getBigUint64(0, true));
    if (latin1(SDT_HEADER.get(mem, 'signature', at)) === 'FACP') return table(mem, Number(FADT.get(mem, 'xDsdt', at)));
  }
  assert.fail('XSDT lists no FADT');
}

/** Decodes one AML Integer (ACPI 6.5 §20.2.3 ComputationalData); returns value and length. */
function amlInteger(aml: Uint8Array, at: number): [bigint, number] {
  const view = new DataView(aml.buffer, aml.byteOffset);
  switch (aml[at]) {
    case AML.ZeroOp: return [0n, 1];
    case AML.OneOp: return [1n, 1];
    case AML.BytePrefix: return [BigInt(view.getUint8(at + 1)), 2];
    case AML.WordPrefix: return [BigInt(view.getUint16(at + 1, true)), 3];
    case AML.DWordPrefix: return [BigInt(view.getUint32(at + 1, true)), 5];
    case AML.QWordPrefix: return [view.getBigUint64(at + 1, true), 9];
    default: return assert.fail(`AML byte 0x${aml[at]?.toString(16)} at ${at} is not an Integer`);
  }
}

/** qtest's check, on our DSDT: Name(ADDR, Package(2){low, high}) → the GUID's guest address. */
function guidAddressFromDsdt(dsdt: Uint8Array): number {
  const aml = dsdt.subarray(SDT_HEADER.size);
  const needle = [AML.NameOp, ...Buffer.from('ADDR', 'latin1'), AML.PackageOp];
  const at = aml.findIndex((_, i) => needle.every((b, j) => aml[i + j] === b));
  assert.ok(at >= 0, 'DSDT has no Name(ADDR, Package…)');
  let p = at + needle.length;
  const lead = aml[p] ?? 0;
  p += 1 + (lead >> 6); // PkgLength: bits 7:6 count the bytes that follow the lead byte
  assert.equal(aml[p], 2, 'ADDR has two elements');
  const [low, lowLen] = amlInteger(aml, p + 1);
  const [high] = amlInteger(aml, p + 1 + lowLen);
  assert.ok(low <= 0xffff_ffffn && high <= 0xffff_ffffn);
  return Number((high << 32n) | low);
}

function readGuid(mem: Uint8Array): Uint8Array {
  const addr = guidAddressFromDsdt(findDsdt(mem));
  assert.equal(addr % VMGENID_ALIGN, 0, 'the GUID buffer is 8-byte aligned (R1a)');
  return fromGuestByteOrder(mem.subarray(addr, addr + VMGENID_SIZE));
}

test('/vmgenid/vmgenid/set-guid: memory at ADDR holds the configured GUID, first three fields swapped', () => {
  const guid = parseUuid('324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87');
  const { mem, irq } = bootVm(guid);
  assert.deepEqual(readGuid(mem), guid);
  assert.equal(irq.rises, 0, 'publishing the boot ID raises no interrupt');
});

test('/vmgenid/vmgenid/set-guid-auto: an automatic GUID lands in memory and is not null', () => {
  const { mem, dev } = bootVm(randomUuidV4());
  const read = readGuid(mem);
  assert.notDeepEqual(read, new Uint8Array(16));
  assert.deepEqual(read, dev.id());
});

test('/vmgenid/vmgenid/query-monitor: the device reports the configured GUID as text', () => {
  const { dev } = bootVm(parseUuid('324E6EAF-D1D1-4BF6-BF41-B9BB6C91FB87'));
  assert.equal(dev.uuidString(), '324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87');
});

test('a new ID after restore reaches the same address, then one interrupt fires', () => {
  const { mem, dev, irq } = bootVm(parseUuid('324e6eaf-d1d1-4bf6-bf41-b9bb6c91fb87'));
  const next = randomUuidV4();
  dev.setId(next);
  assert.equal(formatUuid(readGuid(mem)), formatUuid(next));
  assert.equal(irq.rises, 1);
  assert.equal(irq.level, false, 'the pulse leaves the line low');
});
