// Builds a VM in boot order — KVM VM, irqchip and PIT, RAM, kernel, command line, initrd, firmware
// tables, boot structures, devices, vCPUs — or rebuilds one from a snapshot, with a teardown stack so a
// failed step undoes the ones before it.

import { closeSync } from 'node:fs';
import { Kvm, type CpuidEntry } from '../kvm/kvm.js';
import type { VmFd } from '../kvm/vm-fd.js';
import { VcpuFd } from '../kvm/vcpu-fd.js';
import { KVM_CAP } from '../kvm/abi/ioctls.js';
import { KvmError } from '../kvm/kvm-error.js';
import { GuestMemory, type RegionSpec } from '../memory/guest-memory.js';
import type { Gpa, Gsi } from '../memory/address.js';
import { GsiAllocator } from '../memory/allocator.js';
import { vmgenidState, VmGenIdState, STATE_VERSION as VMGENID_VERSION } from '../devices/vmgenid/vmgenid.js';
import { SharedState } from '../devices/shared-state.js';
import { LAYOUT, PORTS, IRQS } from '../arch/x86_64/layout.js';
import { ramRegions, buildE820 } from '../arch/x86_64/e820.js';
import { parseKernel, kernelSegments, type KernelImage } from '../arch/x86_64/kernel-image.js';
import { encodeCmdline } from '../arch/x86_64/cmdline.js';
import { initrdAddress } from '../arch/x86_64/initrd.js';
import { buildZeroPage } from '../arch/x86_64/boot-params.js';
import { buildPvhStartInfo } from '../arch/x86_64/pvh.js';
import { identityPageTables } from '../arch/x86_64/page-tables.js';
import { bootGdt, encodeGdt } from '../arch/x86_64/gdt.js';
import { cpuidTemplate } from '../arch/x86_64/cpuid.js';
import { bootMsrs } from '../arch/x86_64/msrs.js';
import type { BootEntry } from '../arch/x86_64/regs.js';
import { type VmConfig, VmConfigError, checkLimits } from './vm-config.js';
import { type DeviceSpec, newDeviceState, deviceFromRecord } from './device-table.js';
import { buildFirmware } from './firmware.js';
import type { MachineDescription } from '../snapshot/machine-state.js';
import type { LoadedSnapshot } from '../snapshot/snapshot-files.js';
import { restoreVmState } from '../snapshot/vm-state.js';
import { restoreVcpuState } from '../snapshot/vcpu-state.js';
import { SnapshotError } from '../snapshot/snapshot-error.js';
import { freshHypercallState, restoredHypercallState, type HypercallOptions, type HypercallState } from './hypercall-state.js';

export interface BuiltVm {
  readonly kvm: Kvm;
  readonly vm: VmFd;
  readonly memory: GuestMemory;
  readonly machine: MachineDescription;
  readonly devices: readonly DeviceSpec[];
  readonly vcpuFds: readonly number[];
  /** Fresh boot: what each worker programs before its first KVM_RUN. Absent after a restore (state is already in KVM). */
  readonly boot?: {
    readonly entry: BootEntry;
    readonly cpuid: readonly (readonly CpuidEntry[])[];
    readonly msrs: readonly { index: number; data: bigint }[];
  };
  readonly runSize: number;
  /** The VM Generation ID device's state block (address, GSI and ID inside). */
  readonly vmgenid: SharedArrayBuffer;
  /** Firmware registers, PSCI power states and stolen-time flags, shared with every vCPU thread. */
  readonly hypercalls: HypercallState;
  /** Releases everything the build acquired, newest first. */
  readonly teardown: () => void;
}

export class Teardown {
  readonly #undo: (() => void)[] = [];
  push(fn: () => void): void {
    this.#undo.push(fn);
  }
  run = (): void => {
    while (this.#undo.length) {
      try {
        this.#undo.pop()!();
      } catch {
        // Teardown continues: one failed close must not leak the rest.
      }
    }
  };
}

export interface Machine {
  readonly kvm: Kvm;
  readonly vm: VmFd;
  readonly memory: GuestMemory;
  readonly vcpuFds: number[];
  readonly runSize: number;
}

/** The KVM side every VM has: VM fd, TSS, in-kernel irqchip and PIT, RAM slots, vCPU fds. */
function createMachine(t: Teardown, shape: { memSize: number; vcpus: number }, mapMemory: () => GuestMemory): Machine {
  const kvm = Kvm.open();
  t.push(() => kvm.close());
  checkLimits(shape, kvm.maxVcpus());
  for (const [name, cap] of [['IRQCHIP', KVM_CAP.IRQCHIP], ['PIT2', KVM_CAP.PIT2], ['IMMEDIATE_EXIT', KVM_CAP.IMMEDIATE_EXIT]] as const) {
    if (kvm.checkExtension(cap) === 0) throw new KvmError(`KVM_CHECK_EXTENSION(${name})`, 95, `this host's KVM lacks KVM_CAP_${name}, which bothy needs`);
  }
  const runSize = kvm.vcpuMmapSize();
  const vm = kvm.createVm();
  t.push(() => vm.close());
  vm.setTssAddr(LAYOUT.KVM_TSS_ADDRESS);
  vm.setIdentityMapAddr(LAYOUT.KVM_IDENTITY_MAP_ADDRESS);
  vm.createIrqchip();
  vm.createPit2();
  const memory = mapMemory();
  t.push(() => memory.close());
  memory.regions.forEach((r, slot) => vm.setUserMemoryRegion({ slot, guestPhysAddr: r.gpa, size: r.size, userspaceAddr: r.hostAddr }));
  const vcpuFds: number[] = [];
  for (let id = 0; id < shape.vcpus; id++) {
    const fd = vm.createVcpu(id);
    vcpuFds.push(fd);
    t.push(() => closeSync(fd));
  }
  return { kvm, vm, memory, vcpuFds, runSize };
}

export function buildVm(cfg: VmConfig): BuiltVm {
  const t = new Teardown();
  try {
    // User input first: a bad kernel is reported the same with or without KVM.
    const image = parseKernel(cfg.kernel, cfg.memSize);
    const hypercalls = freshHypercallState(cfg.vcpus, cfg.hypercalls);
    const regions: RegionSpec[] = ramRegions(cfg.memSize).map((r, i) => ({ name: i === 0 ? 'ram' : `ram${i}`, gpa: r.gpa, size: r.size }));
    const m = createMachine(t, cfg, () => GuestMemory.create(regions));
    const placed = platformPlacement();
    const vmgenid = vmgenidState({ ...placed.vmgenid, uuid: cfg.vmgenid });
    const entry = loadBootImage(m.memory, image, cfg, placed);
    const supported = m.kvm.supportedCpuid();
    return {
      ...m,
      machine: { memSize: cfg.memSize, vcpus: cfg.vcpus, regions, cmdline: cfg.cmdline, kernelName: cfg.kernelName },
      devices: deviceSpecs(),
      vmgenid: vmgenid.buffer as SharedArrayBuffer,
      hypercalls,
      boot: {
        entry,
        cpuid: m.vcpuFds.map((_, id) => cpuidTemplate(supported, { vcpuId: id, vcpuCount: cfg.vcpus })),
        msrs: bootMsrs(),
      },
      teardown: t.run,
    };
  } catch (e) {
    t.run();
    throw e;
  }
}

/** A KVM VM with its irqchip, PIT, RAM slots over reserved address space, and vCPUs, waiting for a snapshot. */
export interface VmShell {
  readonly key: string;
  readonly machine: Machine;
  readonly teardown: Teardown;
}

export interface MachineShape {
  readonly vcpus: number;
  readonly memSize: number;
  readonly regions: readonly RegionSpec[];
}

/** Shells are interchangeable when their vCPU count and RAM layout match. */
export function shapeKey(s: MachineShape): string {
  return `${s.vcpus}:${s.regions.map((r) => `${r.gpa}+${r.size}`).join(',')}`;
}

/**
 * Builds a shell ahead of a restore: everything whose cost grows with RAM size (KVM's per-page memslot
 * metadata) is paid here, so a restore into it only maps the memory file and loads state.
 */
export function buildShell(shape: MachineShape): VmShell {
  const t = new Teardown();
  try {
    return { key: shapeKey(shape), machine: createMachine(t, shape, () => GuestMemory.reserve(shape.regions)), teardown: t };
  } catch (e) {
    t.run();
    throw e;
  }
}

/**
 * A new VM from a snapshot: RAM mapped copy-on-write from the memory file, then vCPU, VM and device
 * state. With a matching shell the KVM objects already exist and the file is mapped over its RAM.
 */
export function restoreVm(snap: LoadedSnapshot, shell?: VmShell, services: HypercallOptions = {}): BuiltVm {
  const { machine } = snap.state;
  if (shell && shell.key !== shapeKey(machine)) throw new Error(`VM shell ${shell.key} does not fit snapshot ${shapeKey(machine)}`);
  const t = shell?.teardown ?? new Teardown();
  try {
    let devices: DeviceSpec[];
    let vmgenid: SharedArrayBuffer;
    let hypercalls: HypercallState;
    try {
      devices = snap.state.devices.map(deviceFromRecord);
      vmgenid = SharedState.fromSaved(VmGenIdState, VMGENID_VERSION, snap.state.vmgenid, 'vmgenid').buffer as SharedArrayBuffer;
      // Migration safety: refused here, before any KVM object exists, when this bothy lacks a service the guest saw.
      hypercalls = restoredHypercallState(snap.state.hypercalls, snap.state.vcpus.map((v) => v.mpState), services);
    } catch (e) {
      throw new SnapshotError('incompatible', `${snap.dir}: ${(e as Error).message}`);
    }
    const m = shell
      ? { ...shell.machine, memory: shell.machine.memory.overlayPrivateFile(snap.memoryPath) }
      : createMachine(t, machine, () => GuestMemory.mapPrivateFile(snap.memoryPath, machine.regions));
    m.vcpuFds.forEach((fd, id) => restoreVcpuState(new VcpuFd(fd, id), snap.state.vcpus[id]!));
    restoreVmState(m.vm, snap.state.vm);
    return { ...m, machine, devices, vmgenid, hypercalls, teardown: t.run };
  } catch (e) {
    t.run();
    throw e;
  }
}

/** Kernel, command line, initrd, firmware tables and the boot structures of the chosen protocol. */
/** Where the allocated devices sit: the same for every VM, so `dump-firmware` describes what `run` builds. */
export function platformPlacement(): { vmgenid: { gpa: Gpa; gsi: Gsi } } {
  const gsis = new GsiAllocator(IRQS.ALLOC_START, IRQS.ALLOC_END);
  return { vmgenid: { gpa: LAYOUT.VMGENID_START, gsi: gsis.allocate('vmgenid') } };
}

function loadBootImage(memory: GuestMemory, image: KernelImage, cfg: VmConfig, placed: ReturnType<typeof platformPlacement>): BootEntry {
  const boot = loadKernel(memory, image, cfg);
  const cmdline = encodeCmdline(cfg.cmdline);
  memory.write(LAYOUT.CMDLINE_START, cmdline);
  const initrd = cfg.initrd ? placeInitrd(memory, cfg, image) : undefined;
  const { rsdp, setupData } = buildFirmware(memory, { vcpus: cfg.vcpus, vmgenid: placed.vmgenid });
  const e820 = buildE820(cfg.memSize);
  for (const pt of identityPageTables()) memory.write(pt.gpa, pt.bytes);
  memory.write(LAYOUT.BOOT_GDT, encodeGdt(bootGdt(boot.protocol === 'linux64' ? 'long' : 'protected')));
  memory.write(LAYOUT.BOOT_IDT, new Uint8Array(8));
  if (boot.protocol === 'linux64') {
    memory.write(LAYOUT.ZERO_PAGE_START, buildZeroPage({
      ...(image.kind === 'bzimage' ? { setupHeader: image.setupHeader } : {}),
      cmdlineGpa: LAYOUT.CMDLINE_START,
      cmdlineSize: cmdline.length,
      e820,
      ...(initrd ? { initrd } : {}),
      rsdp,
      setupData,
    }));
  } else {
    const pvh = buildPvhStartInfo({ cmdlineGpa: LAYOUT.CMDLINE_START, e820, ...(initrd ? { initrd } : {}), rsdp });
    memory.write(LAYOUT.PVH_INFO_START, pvh.startInfo);
    if (pvh.modlist.length) memory.write(LAYOUT.PVH_MODLIST_START, pvh.modlist);
    memory.write(LAYOUT.PVH_MEMMAP_START, pvh.memmap);
  }
  return boot;
}

function loadKernel(memory: GuestMemory, image: KernelImage, cfg: VmConfig): BootEntry {
  for (const seg of kernelSegments(image)) {
    memory.write(seg.gpa, seg.data);
    if (seg.memSize > seg.data.length) memory.slice(seg.gpa + seg.data.length, seg.memSize - seg.data.length).fill(0);
  }
  if (image.kind === 'bzimage') {
    if (cfg.boot === 'pvh') throw new VmConfigError('bad-boot', `${cfg.kernelName} is a bzImage; PVH boot needs an ELF kernel with a PVH note`);
    return { protocol: 'linux64', entry: image.entry64 };
  }
  if (cfg.boot === 'pvh') {
    if (image.pvhEntry === undefined) throw new VmConfigError('bad-boot', `${cfg.kernelName} has no PVH note (XEN_ELFNOTE_PHYS32_ENTRY); boot it without --boot pvh`);
    return { protocol: 'pvh', entry: image.pvhEntry };
  }
  return { protocol: 'linux64', entry: image.entry };
}

function placeInitrd(memory: GuestMemory, cfg: VmConfig, image: KernelImage): { gpa: Gpa; size: number } {
  const data = cfg.initrd!;
  const at = initrdAddress(cfg.memSize, data.length, image.end);
  memory.write(at, data);
  return { gpa: at, size: data.length };
}

/** bothy's fixed x86 platform devices, each with its shared register state. */
function deviceSpecs(): DeviceSpec[] {
  const pio = (kind: DeviceSpec['kind'], name: string, base: number, length: number, gsi?: number): DeviceSpec => ({
    kind, name, bus: 'pio', base, length, state: newDeviceState(kind), ...(gsi !== undefined ? { gsi } : {}),
  });
  return [
    pio('serial-8250', 'com1', PORTS.COM1, PORTS.COM1_LEN, IRQS.COM1),
    pio('i8042', 'i8042', PORTS.I8042_DATA, PORTS.I8042_COMMAND - PORTS.I8042_DATA + 1, IRQS.I8042_KBD),
    pio('acpi-pm', 'acpi-pm', PORTS.ACPI_SLEEP_CONTROL, PORTS.ACPI_RESET - PORTS.ACPI_SLEEP_CONTROL + 1),
    pio('test-exit', 'test-exit', PORTS.TEST_EXIT, PORTS.TEST_EXIT_LEN),
    pio('post', 'post', PORTS.POST, 1),
  ];
}
