// The QEMU command line the benches compare bothy against: microvm booting a micro-guest ELF through its
// PVH note (no firmware), HW-reduced ACPI whose GED sleep register the demo guest writes to power off.

export function qemuDemoArgs(elf: string, append?: string, memMiB = 256): string[] {
  return [
    '-M', 'microvm', '-enable-kvm', '-cpu', 'host', '-m', String(memMiB), '-nographic', '-no-reboot', '-nodefaults',
    '-serial', 'stdio', '-kernel', elf, ...(append !== undefined ? ['-append', append] : []),
  ];
}
