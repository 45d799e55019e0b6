import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFadt, FADT, FADT_FLAGS, IAPC_BOOT_ARCH } from './fadt.js';
import { GAS, GAS_ACCESS_SIZE, GAS_ADDRESS_SPACE } from './generic-address.js';
import { SDT_HEADER } from './sdt-header.js';
import { sum8 } from '../../binary/checksum.js';
import { gpa } from '../../memory/address.js';
import { ACPI_RESET_VALUE, IRQS, PORTS } from '../../arch/x86_64/layout.js';

test('FADT 6.5 is 276 bytes with fields at their spec offsets (§5.2.9)', () => {
  assert.equal(FADT.size, 276);
  assert.equal(GAS.size, 12);
  const o = FADT.offsets;
  const expected: Record<string, number> = {
    firmwareCtrl: 36,
    dsdt: 40,
    preferredPmProfile: 45,
    sciInt: 46,
    smiCmd: 48,
    pm1aEvtBlk: 56,
    pmTmrBlk: 76,
    gpe0Blk: 80,
    pm1EvtLen: 88,
    pLvl2Lat: 96,
    century: 108,
    iapcBootArch: 109,
    flags: 112,
    resetReg: 116,
    resetValue: 128,
    armBootArch: 129,
    fadtMinorVersion: 131,
    xFirmwareCtrl: 132,
    xDsdt: 140,
    xPm1aEvtBlk: 148,
    xGpe1Blk: 232,
    sleepControlReg: 244,
    sleepStatusReg: 256,
    hypervisorVendorIdentity: 268,
  };
  for (const [k, v] of Object.entries(expected)) assert.equal(o[k as keyof typeof o], v, k);
});

test('FADT declares a HW-reduced platform with sleep and reset registers in I/O space', () => {
  const t = buildFadt({ dsdt: gpa(0x9fc00) });
  assert.equal(t.length, 276);
  assert.equal(sum8(t), 0);
  const h = SDT_HEADER.decode(t);
  assert.equal(Buffer.from(h.signature).toString('latin1'), 'FACP');
  assert.equal(h.revision, 6);
  assert.equal(Buffer.from(h.oemTableId).toString('latin1'), 'BOTHYFAC');

  const f = FADT.decode(t);
  assert.equal(f.fadtMinorVersion, 5);
  assert.equal(f.dsdt, 0x9fc00);
  assert.equal(f.xDsdt, 0x9fc00n);
  assert.equal(f.firmwareCtrl, 0);
  assert.equal(f.xFirmwareCtrl, 0n);
  assert.equal(f.sciInt, IRQS.SCI);
  for (const bit of ['HW_REDUCED_ACPI', 'PWR_BUTTON', 'SLP_BUTTON', 'RESET_REG_SUP'] as const) {
    assert.ok((f.flags & FADT_FLAGS[bit]) !== 0, bit);
  }
  assert.equal(f.flags & (1 << 20), 1 << 20, 'HW_REDUCED_ACPI is bit 20');
  assert.equal(f.iapcBootArch & IAPC_BOOT_ARCH.VGA_NOT_PRESENT, IAPC_BOOT_ARCH.VGA_NOT_PRESENT);
  assert.equal(f.iapcBootArch & IAPC_BOOT_ARCH['8042'], IAPC_BOOT_ARCH['8042']);
  assert.equal(f.iapcBootArch & IAPC_BOOT_ARCH.LEGACY_DEVICES, 0);

  // No fixed-hardware blocks on a HW-reduced platform.
  for (const k of ['pm1aEvtBlk', 'pm1aCntBlk', 'pmTmrBlk', 'gpe0Blk', 'smiCmd'] as const) assert.equal(f[k], 0, k);
  assert.ok(f.xPm1aEvtBlk.every((b) => b === 0));

  const ioByte = (port: number) => ({
    addressSpaceId: GAS_ADDRESS_SPACE.SYSTEM_IO,
    registerBitWidth: 8,
    registerBitOffset: 0,
    accessSize: GAS_ACCESS_SIZE.BYTE,
    address: BigInt(port),
  });
  assert.deepEqual(GAS.decode(f.sleepControlReg), ioByte(PORTS.ACPI_SLEEP_CONTROL));
  assert.deepEqual(GAS.decode(f.sleepStatusReg), ioByte(PORTS.ACPI_SLEEP_STATUS));
  assert.deepEqual(GAS.decode(f.resetReg), ioByte(PORTS.ACPI_RESET));
  assert.equal(f.resetValue, ACPI_RESET_VALUE);
  assert.equal(Buffer.from(f.hypervisorVendorIdentity).toString('latin1'), 'BOTHYKVM');
});

test('a DSDT above 4 GiB leaves the 32-bit field zero', () => {
  const f = FADT.decode(buildFadt({ dsdt: gpa(0x1_0000_0000) }));
  assert.equal(f.dsdt, 0);
  assert.equal(f.xDsdt, 0x1_0000_0000n);
});
