// NOTIFY_VM_EXITED exit types, exit codes and exit_reason[0] flags (gunyah.md §4.2; RM bf31a9a vm_mgnt.h
// `exit_type_t`, `exit_code_t`; crosvm's names in comments). exit_reason[0] = flags (bits 15:0) | code << 16.

export const EXIT_TYPE = {
  /** VM_EXIT from the guest (crosvm VM_EXIT). */
  VM_EXIT: 0,
  /** vCPU halted POWERED_OFF (crosvm PSCI_POWER_OFF). */
  PLATFORM_OFF: 1,
  /** PSCI SYSTEM_RESET (crosvm PSCI_SYSTEM_RESET). */
  PLATFORM_RESET: 2,
  PSCI_SYSTEM_RESET2: 3,
  /** crosvm WDT_BITE. */
  WATCHDOG_BITE: 4,
  /** crosvm HYP_ERROR. */
  SOFTWARE_ERROR: 5,
  /** crosvm ASYNC_EXT_ABORT. */
  ASYNC_HW_ERROR: 6,
  /** VM_STOP with FORCE (crosvm VM_FORCE_STOPPED). */
  VM_STOP_FORCED: 7,
} as const;

export type ExitTypeName = keyof typeof EXIT_TYPE;
export type ExitType = (typeof EXIT_TYPE)[ExitTypeName];

export const EXIT_CODE = {
  NORMAL: 0,
  SOFTWARE_ERROR: 1,
  UNKNOWN_ERROR: 2,
  BUS_ERROR: 3,
  DEVICE_ERROR: 4,
} as const;

export type ExitCodeName = keyof typeof EXIT_CODE;
export type ExitCode = (typeof EXIT_CODE)[ExitCodeName];

export const EXIT_FLAG = {
  RESTART: 1 << 0,
  /** PSCI SYSTEM_RESET2 was an SMC64 call: the cookie is 64 bits. */
  SMC64: 1 << 15,
} as const;

/** exit_reason[0] as RM builds it in `vm_mgnt_send_exited`. */
export function exitReasonWord(flags: number, code: ExitCode): number {
  return ((flags & 0xffff) | (code << 16)) >>> 0;
}
