// RM VM-management values shared by the wire codecs and the lifecycle model (gunyah.md §4 intro, §4.1-§4.3):
// special VMIDs, VM/OS status, auth mechanisms, exit types/codes/flags, id types and string limits.
// RM include/rm_types.h, vm_mgnt.h; Linux gunyah_rm_* enums. The only definition of each of these numbers.

/** Special VMIDs (RM rm_types.h). Dynamic VMIDs are VMID_DYNAMIC_BASE..VMID_DYNAMIC_END-1 (0x80-0xBE). */
export const VMID_HYP = 0x0;
export const VMID_HLOS = 0x3;
export const VMID_RM = 0xff;
export const VMID_DYNAMIC_BASE = 0x80;
/** Exclusive: RM's free mask is `util_mask(VMID_DYNAMIC_END - VMID_DYNAMIC_BASE)`, so 0xBF itself is never handed out. */
export const VMID_DYNAMIC_END = 0xbf;
export const VMID_ANY = 0xfffe;
export const VMID_PEER_DEFAULT = 0xffff;

/** VM_ALLOCATE with vmid 0 asks for a dynamic VMID; a specific one must be < 64 (a static secondary VMID). */
export const VM_ALLOCATE_DYNAMIC = 0;
export const VM_STATIC_VMID_LIMIT = 64;

/** Linux's special values (GUNYAH_VMID_INVAL, GUNYAH_VMID_ROOT_VM, GUNYAH_MEM_HANDLE_INVAL). */
export const GUNYAH_VMID_INVAL = 0xffff;
/** Linux's root VM is RM itself. */
export const GUNYAH_VMID_ROOT_VM = VMID_RM;
export const GUNYAH_MEM_HANDLE_INVAL = 0xffff_ffff;

/** vm_state_t = Linux gunyah_rm_vm_status; 7 is reserved, so no VM is ever in it. */
export const VM_STATUS = {
  /** RM `VM_STATE_NONE`, Linux `GUNYAH_RM_VM_STATUS_NO_STATE`. */
  NO_STATE: 0,
  INIT: 1,
  READY: 2,
  RUNNING: 3,
  PAUSED: 4,
  LOAD: 5,
  AUTH: 6,
  INIT_FAILED: 8,
  EXITED: 9,
  RESETTING: 10,
  RESET: 11,
} as const;
export type VmStatusName = keyof typeof VM_STATUS;
export type VmStatus = (typeof VM_STATUS)[VmStatusName];

/** Every VM status in numeric order: the rows and columns of the §6.1 table. */
export const VM_STATUS_NAMES: readonly VmStatusName[] = Object.freeze(
  (Object.keys(VM_STATUS) as VmStatusName[]).sort((a, b) => VM_STATUS[a] - VM_STATUS[b]),
);

export const OS_STATUS = {
  NONE: 0,
  EARLY_BOOT: 1,
  BOOT: 2,
  INIT: 3,
  RUN: 4,
  SHUTDOWN: 5,
  HALTED: 6,
  CRASHED: 7,
} as const;
export type OsStatusName = keyof typeof OS_STATUS;
export type OsStatus = (typeof OS_STATUS)[OsStatusName];

/** VM_CONFIG_IMAGE auth_mech, vm_auth_type_t (Linux: NONE, QCOM_PIL_ELF, QCOM_ANDROID_PVM). Others: ARGUMENT_INVALID. */
export const VM_AUTH_TYPE = {
  NONE: 0,
  PLATFORM: 1,
  ANDROID: 2,
} as const;
export type VmAuthTypeName = keyof typeof VM_AUTH_TYPE;
export type VmAuthType = (typeof VM_AUTH_TYPE)[VmAuthTypeName];

const STATUS_BY_NUMBER = new Map<number, VmStatusName>(VM_STATUS_NAMES.map((n) => [VM_STATUS[n], n]));
const OS_BY_NUMBER = new Map<number, OsStatusName>(Object.entries(OS_STATUS).map(([n, v]) => [v, n as OsStatusName]));
const AUTH_BY_NUMBER = new Map<number, VmAuthTypeName>(Object.entries(VM_AUTH_TYPE).map(([n, v]) => [v, n as VmAuthTypeName]));

export function vmStatusName(status: number): VmStatusName | undefined {
  return STATUS_BY_NUMBER.get(status);
}

export function isVmStatus(value: number): value is VmStatus {
  return STATUS_BY_NUMBER.has(value);
}

export function osStatusName(status: number): OsStatusName | undefined {
  return OS_BY_NUMBER.get(status);
}

export function isOsStatus(value: number): value is OsStatus {
  return OS_BY_NUMBER.has(value);
}

export function isVmAuthType(value: number): value is VmAuthType {
  return AUTH_BY_NUMBER.has(value);
}

/** VM_STOP flags bit 0 (VM_STOP_FLAG_FORCE) and the reason Linux v10+ sends (GUNYAH_RM_VM_STOP_REASON_FORCE_STOP). */
export const VM_STOP_FLAG_FORCE = 0x1;
export const GUNYAH_RM_VM_STOP_REASON_FORCE_STOP = 3;

/** NOTIFY_VM_EXITED exit_type (RM exit_type_t; crosvm's names in comments). */
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

/** exit_code_t. */
export const EXIT_CODE = {
  NORMAL: 0,
  SOFTWARE_ERROR: 1,
  UNKNOWN_ERROR: 2,
  BUS_ERROR: 3,
  DEVICE_ERROR: 4,
} as const;
export type ExitCodeName = keyof typeof EXIT_CODE;
export type ExitCode = (typeof EXIT_CODE)[ExitCodeName];

/** The exit codes a VM_EXIT request may carry; UNKNOWN_ERROR (2) and anything else are MSG_INVALID. */
export const VM_EXIT_ALLOWED_CODES: ReadonlySet<number> = new Set<ExitCode>([EXIT_CODE.NORMAL, EXIT_CODE.SOFTWARE_ERROR, EXIT_CODE.BUS_ERROR, EXIT_CODE.DEVICE_ERROR]);

/** Bits of exit_flags (the low 16 bits of exit_reason[0]). */
export const EXIT_FLAG = {
  RESTART: 1 << 0,
  /** PSCI SYSTEM_RESET2 was an SMC64 call: the cookie is 64 bits. */
  SMC64: 1 << 15,
} as const;
export const EXIT_FLAG_RESTART = EXIT_FLAG.RESTART;
export const EXIT_FLAG_SMC64 = EXIT_FLAG.SMC64;

/** exit_reason[0] as RM builds it in `vm_mgnt_send_exited`: flags (bits 15:0) | code << 16. */
export function exitReasonWord(flags: number, code: ExitCode): number {
  return ((flags & 0xffff) | (code << 16)) >>> 0;
}

/** VM_GET_ID entry types (vm_id_type_t). */
export const VM_ID_TYPE = {
  GUID: 0,
  URI: 1,
  NAME: 2,
  SIGN_AUTH: 3,
} as const;

/** VM_SET_CONTEXT reg_set (Linux boot_context reg set). */
export const VM_CONTEXT_REG_SET = {
  X: 0,
  PC: 1,
  SP: 2,
} as const;

/** VM_SET_ADDRESS_LAYOUT range_id (Linux v17). */
export const VM_ADDRESS_RANGE_ID = {
  IMAGE: 0,
  FIRMWARE: 1,
} as const;

export const VM_GUID_LEN = 16;
/** Lookup URIs and names must be shorter than this (RM VM_MAX_URI_LEN / VM_MAX_NAME_LEN). */
export const VM_MAX_URI_LEN = 80;
export const VM_MAX_NAME_LEN = 80;
/** VM_SET_CRASH_MSG keeps at most this many bytes (longer messages are truncated, not refused). */
export const VM_MAX_CRASH_MSG_LEN = 192;

/** VM_HOST_GET_TYPE answer: 0x64 AArch64, 0x01 Gunyah + RM, 0x00 reserved, version 1. */
export const VM_HOST_TYPE_GUNYAH_RM_V1 = 0x0100_0164;
