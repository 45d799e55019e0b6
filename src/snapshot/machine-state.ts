// Everything a VM is besides its RAM, and its encoding as snapshot sections: the machine description
// (JSON), VM-wide KVM state, each vCPU's state, and each device's state struct.

import { struct, u32le, u64le } from '../binary/struct.js';
import { kvm_cpuid_entry2 } from '../kvm/abi/structs.js';
import type { RegionSpec } from '../memory/guest-memory.js';
import type { VcpuState } from './vcpu-state.js';
import type { VmState } from './vm-state.js';
import { type Section, requireSection } from './container.js';
import { SnapshotError } from './snapshot-error.js';

export interface DeviceRecord {
  readonly kind: string;
  readonly name: string;
  readonly bus: 'pio' | 'mmio';
  readonly base: number;
  readonly length: number;
  readonly gsi?: number;
  readonly version: number;
  readonly state: Uint8Array;
}

export interface MachineDescription {
  readonly memSize: number;
  readonly vcpus: number;
  readonly regions: readonly RegionSpec[];
  readonly cmdline: string;
  readonly kernelName: string;
}

export interface MachineState {
  readonly machine: MachineDescription;
  readonly vm: VmState;
  readonly vcpus: readonly VcpuState[];
  readonly devices: readonly DeviceRecord[];
  /** The VM Generation ID device's state struct (not a bus device). */
  readonly vmgenid: { readonly version: number; readonly state: Uint8Array };
  /** Firmware registers, PSCI power states, stolen-time flags; absent in snapshots from before hypercalls. */
  readonly hypercalls?: SavedHypercalls;
}

/** A VM's hypercall state as a snapshot carries it (sections hypercalls.*). */
export interface SavedHypercalls {
  /** Which UID the vendor-hypervisor CALL_UID answers. */
  readonly vendorUid: 'kvm' | 'gunyah';
  /** encodeFirmwareRegistersState's 72 bytes. */
  readonly fwRegs: Uint8Array;
  /** PowerStates.savedBytes(). */
  readonly power: Uint8Array;
  /** StolenTimeFlags.savedBytes(). */
  readonly stolenTime: Uint8Array;
}

const MSR_ENTRY = struct('snapshot_msr', { index: u32le, reserved: u32le, data: u64le });
const VCPU_BLOBS = ['regs', 'sregs', 'xsave', 'xcrs', 'debugregs', 'lapic', 'events'] as const;
const VM_BLOBS = ['pit', 'clock', 'picMaster', 'picSlave', 'ioapic'] as const;

const utf8 = new TextEncoder();
const json = (v: unknown): Uint8Array => utf8.encode(JSON.stringify(v));

export function encodeMachineState(m: MachineState): Section[] {
  const sections: Section[] = [];
  const devices = m.devices.map(({ state: _s, version: _v, ...rest }) => rest);
  sections.push({ name: 'machine', version: 1, data: json({ ...m.machine, devices }) });
  for (const k of VM_BLOBS) sections.push({ name: `vm.${k}`, version: 1, data: m.vm[k] });
  m.vcpus.forEach((v, i) => {
    sections.push({ name: `vcpu${i}.meta`, version: 1, data: json({ mpState: v.mpState, tscKhz: v.tscKhz }) });
    for (const k of VCPU_BLOBS) sections.push({ name: `vcpu${i}.${k}`, version: 1, data: v[k] });
    const msrs = new Uint8Array(v.msrs.length * MSR_ENTRY.size);
    v.msrs.forEach((e, j) => MSR_ENTRY.encode(e, msrs, j * MSR_ENTRY.size));
    sections.push({ name: `vcpu${i}.msrs`, version: 1, data: msrs });
    const cpuid = new Uint8Array(v.cpuid.length * kvm_cpuid_entry2.size);
    v.cpuid.forEach((e, j) => kvm_cpuid_entry2.encode(e, cpuid, j * kvm_cpuid_entry2.size));
    sections.push({ name: `vcpu${i}.cpuid`, version: 1, data: cpuid });
  });
  for (const d of m.devices) sections.push({ name: `dev.${d.name}`, version: d.version, data: d.state });
  sections.push({ name: 'vmgenid', version: m.vmgenid.version, data: m.vmgenid.state });
  if (m.hypercalls) {
    const h = m.hypercalls;
    sections.push({ name: 'hypercalls.meta', version: 1, data: json({ vendorUid: h.vendorUid }) });
    sections.push({ name: 'hypercalls.fw-regs', version: 1, data: h.fwRegs });
    sections.push({ name: 'hypercalls.power', version: 1, data: h.power });
    sections.push({ name: 'hypercalls.stolen-time', version: 1, data: h.stolenTime });
  }
  return sections;
}

export function decodeMachineState(sections: Map<string, Section>, file: string): MachineState {
  const need = (name: string): Uint8Array => requireSection(sections, name, file).data;
  const parse = <T>(name: string): T => {
    try {
      return JSON.parse(new TextDecoder().decode(need(name))) as T;
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      throw new SnapshotError('corrupt', `${file}: section '${name}' is not valid JSON`);
    }
  };
  const desc = parse<MachineDescription & { devices: Omit<DeviceRecord, 'state' | 'version'>[] }>('machine');
  if (!Number.isInteger(desc.vcpus) || desc.vcpus < 1 || !Array.isArray(desc.regions) || !Array.isArray(desc.devices)) {
    throw new SnapshotError('corrupt', `${file}: the machine description is incomplete`);
  }
  const vm = Object.fromEntries(VM_BLOBS.map((k) => [k, need(`vm.${k}`)])) as unknown as VmState;
  const vcpus: VcpuState[] = [];
  for (let i = 0; i < desc.vcpus; i++) {
    const meta = parse<{ mpState: number; tscKhz: number }>(`vcpu${i}.meta`);
    const blobs = Object.fromEntries(VCPU_BLOBS.map((k) => [k, need(`vcpu${i}.${k}`)]));
    const msrBytes = need(`vcpu${i}.msrs`);
    const cpuidBytes = need(`vcpu${i}.cpuid`);
    if (msrBytes.length % MSR_ENTRY.size || cpuidBytes.length % kvm_cpuid_entry2.size) {
      throw new SnapshotError('corrupt', `${file}: vCPU ${i}'s MSR or CPUID table has a partial entry`);
    }
    vcpus.push({
      ...(blobs as Pick<VcpuState, (typeof VCPU_BLOBS)[number]>),
      mpState: meta.mpState,
      tscKhz: meta.tscKhz,
      msrs: Array.from({ length: msrBytes.length / MSR_ENTRY.size }, (_, j) => {
        const e = MSR_ENTRY.decode(msrBytes, j * MSR_ENTRY.size);
        return { index: e.index, data: e.data };
      }),
      cpuid: Array.from({ length: cpuidBytes.length / kvm_cpuid_entry2.size }, (_, j) => {
        const { padding: _p, ...e } = kvm_cpuid_entry2.decode(cpuidBytes, j * kvm_cpuid_entry2.size);
        return e;
      }),
    });
  }
  const devices = desc.devices.map((d) => {
    const s = requireSection(sections, `dev.${d.name}`, file);
    return { ...d, version: s.version, state: s.data };
  });
  const { devices: _d, ...machine } = desc;
  const gen = requireSection(sections, 'vmgenid', file);
  const vmgenid = { version: gen.version, state: gen.data };
  if (!sections.has('hypercalls.meta')) return { machine, vm, vcpus, devices, vmgenid };
  const meta = parse<{ vendorUid: unknown }>('hypercalls.meta');
  if (meta.vendorUid !== 'kvm' && meta.vendorUid !== 'gunyah') {
    throw new SnapshotError('corrupt', `${file}: section 'hypercalls.meta' names vendor UID ${String(meta.vendorUid)}, not kvm or gunyah`);
  }
  const hypercalls: SavedHypercalls = {
    vendorUid: meta.vendorUid,
    fwRegs: need('hypercalls.fw-regs'),
    power: need('hypercalls.power'),
    stolenTime: need('hypercalls.stolen-time'),
  };
  return { machine, vm, vcpus, devices, vmgenid, hypercalls };
}
