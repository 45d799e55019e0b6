// Builds a VM in boot order — KVM VM, irqchip and PIT, RAM, kernel, command line, initrd, firmware
// tables, boot structures, devices, vCPUs — with a teardown stack so a failed step undoes the ones
// before it.

import { closeSync } from 'node:fs';
import { Kvm } from '../kvm/kvm.js';
import type { VmFd } from '../kvm/vm-fd.js';
import { KVM_CAP } from '../kvm/abi/ioctls.js';
import { KvmError } from '../kvm/kvm-error.js';
import type { CpuidEntry } from '../kvm/kvm.js';
import { GuestMemory } from '../memory/guest-memory.js';
import type { Gpa } from '../memory/address.js';
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
import { type DeviceSpec, newDeviceState } from './device-table.js';
import { buildFirmware } from './firmware.js';

export interface BuiltVm {
  readonly kvm: Kvm;
  readonly vm: VmFd;
  readonly memory: GuestMemory;
  readonly devices: readonly DeviceSpec[];
  readonly vcpuFds: readonly number[];
  readonly cpuid: readonly (readonly CpuidEntry[])[];
  readonly msrs: readonly { index: number; data: bigint }[];
  readonly runSize: number;
  readonly boot: BootEntry;
  /** Releases everything the build acquired, newest first. */
  readonly teardown: () => void;
}

export function buildVm(cfg: VmConfig): BuiltVm {
  const undo: (() => void)[] = [];
  const teardown = (): void => {
    while (undo.length) {
      try {
        undo.pop()!();
      } catch {
        // Teardown continues: one failed close must not leak the rest.
      }
    }
  };
  try {
    // User input first: a bad kernel is reported the same with or without KVM.
    const image = parseKernel(cfg.kernel, cfg.memSize);
    const kvm = Kvm.open();
    undo.push(() => kvm.close());
    checkLimits(cfg, kvm.maxVcpus());
    for (const [name, cap] of [['IRQCHIP', KVM_CAP.IRQCHIP], ['PIT2', KVM_CAP.PIT2], ['IMMEDIATE_EXIT', KVM_CAP.IMMEDIATE_EXIT]] as const) {
      if (kvm.checkExtension(cap) === 0) throw new KvmError(`KVM_CHECK_EXTENSION(${name})`, 95, `this host's KVM lacks KVM_CAP_${name}, which bothy needs`);
    }
    const runSize = kvm.vcpuMmapSize();

    const vm = kvm.createVm();
    undo.push(() => vm.close());
    vm.setTssAddr(LAYOUT.KVM_TSS_ADDRESS);
    vm.setIdentityMapAddr(LAYOUT.KVM_IDENTITY_MAP_ADDRESS);
    vm.createIrqchip();
    vm.createPit2();

    const memory = GuestMemory.create(ramRegions(cfg.memSize).map((r, i) => ({ name: i === 0 ? 'ram' : `ram${i}`, gpa: r.gpa, size: r.size })));
    undo.push(() => memory.close());
    memory.regions.forEach((r, slot) => vm.setUserMemoryRegion({ slot, guestPhysAddr: r.gpa, size: r.size, userspaceAddr: r.hostAddr }));

    const boot = loadKernel(memory, image, cfg);
    const cmdline = encodeCmdline(cfg.cmdline);
    memory.write(LAYOUT.CMDLINE_START, cmdline);
    const initrd = cfg.initrd ? placeInitrd(memory, cfg, image) : undefined;

    const devices = deviceSpecs();
    const { rsdp } = buildFirmware(memory, { vcpus: cfg.vcpus });

    const e820 = buildE820(cfg.memSize);
    for (const t of identityPageTables()) memory.write(t.gpa, t.bytes);
    memory.write(LAYOUT.BOOT_GDT, encodeGdt(bootGdt(boot.protocol === 'linux64' ? 'long' : 'protected')));
    memory.write(LAYOUT.BOOT_IDT, new Uint8Array(8));
    if (boot.protocol === 'linux64') {
      memory.write(LAYOUT.ZERO_PAGE_START, buildZeroPage({
        ...(image.kind === 'bzimage' ? { setupHeader: image.setupHeader } : {}),
        cmdlineGpa: LAYOUT.CMDLINE_START,
        cmdlineSize: cmdline.length,
        e820,
        ...(initrd ? { initrd } : {}),
        ...(rsdp !== undefined ? { rsdp } : {}),
      }));
    } else {
      const pvh = buildPvhStartInfo({ cmdlineGpa: LAYOUT.CMDLINE_START, e820, ...(initrd ? { initrd } : {}), ...(rsdp !== undefined ? { rsdp } : {}) });
      memory.write(LAYOUT.PVH_INFO_START, pvh.startInfo);
      if (pvh.modlist.length) memory.write(LAYOUT.PVH_MODLIST_START, pvh.modlist);
      memory.write(LAYOUT.PVH_MEMMAP_START, pvh.memmap);
    }

    const supported = kvm.supportedCpuid();
    const vcpuFds: number[] = [];
    const cpuid: CpuidEntry[][] = [];
    for (let id = 0; id < cfg.vcpus; id++) {
      const fd = vm.createVcpu(id);
      vcpuFds.push(fd);
      undo.push(() => closeSync(fd));
      cpuid.push(cpuidTemplate(supported, { vcpuId: id, vcpuCount: cfg.vcpus }));
    }
    return { kvm, vm, memory, devices, vcpuFds, cpuid, msrs: bootMsrs(), runSize, boot, teardown };
  } catch (e) {
    teardown();
    throw e;
  }
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

