// RM VM-management values (gunyah.md §4 intro, §4.1-§4.3): special VMIDs, VM/OS status, auth mechanisms, exit
// types and codes, id types and string limits. RM include/rm_types.h, vm_mgnt.h; Linux gunyah_rm_* enums.

/** Special VMIDs (RM rm_types.h). Dynamic VMIDs are VMID_DYNAMIC_BASE..VMID_DYNAMIC_END-1 (0x80-0xBE). */
export const VMID = {
  HYP: 0x0,
  HLOS: 0x3,
  RM: 0xff,
  DYNAMIC_BASE: 0x80,
  /** Exclusive: the free mask is util_mask(0xBF - 0x80) = 63 bits. */
  DYNAMIC_END: 0xbf,
  ANY: 0xfffe,
  PEER_DEFAULT: 0xffff,
} as const;

/** VM_ALLOCATE with vmid 0 asks for a dynamic VMID; a specific one must be < 64 (a static secondary VMID). */
export const VM_ALLOCATE_DYNAMIC = 0;
export const VM_STATIC_VMID_LIMIT = 64;

/** Linux's special values (GUNYAH_VMID_INVAL, GUNYAH_VMID_ROOT_VM, GUNYAH_MEM_HANDLE_INVAL). */
export const GUNYAH_VMID_INVAL = 0xffff;
export const GUNYAH_VMID_ROOT_VM = 0xff;
export const GUNYAH_MEM_HANDLE_INVAL = 0xffff_ffff;

/** vm_state_t = Linux gunyah_rm_vm_status; 7 is reserved. */
export const VM_STATUS = {
  NONE: 0,
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
export type OsStatus = (typeof OS_STATUS)[keyof typeof OS_STATUS];

/** vm_auth_type_t (Linux: NONE, QCOM_PIL_ELF, QCOM_ANDROID_PVM). RM answers other values with ARGUMENT_INVALID. */
export const VM_AUTH = {
  NONE: 0,
  PLATFORM: 1,
  ANDROID: 2,
} as const;
export type VmAuth = (typeof VM_AUTH)[keyof typeof VM_AUTH];

/** VM_STOP flags bit 0 (VM_STOP_FLAG_FORCE) and the reason Linux v10+ sends (GUNYAH_RM_VM_STOP_REASON_FORCE_STOP). */
export const VM_STOP_FLAG_FORCE = 0x1;
export const GUNYAH_RM_VM_STOP_REASON_FORCE_STOP = 3;

/** NOTIFY_VM_EXITED exit_type (RM exit_type_t; crosvm names differ, see gunyah.md §4.2). */
export const EXIT_TYPE = {
  VM_EXIT: 0,
  PLATFORM_OFF: 1,
  PLATFORM_RESET: 2,
  PSCI_SYSTEM_RESET2: 3,
  WATCHDOG_BITE: 4,
  SOFTWARE_ERROR: 5,
  ASYNC_HW_ERROR: 6,
  VM_STOP_FORCED: 7,
} as const;
export type ExitType = (typeof EXIT_TYPE)[keyof typeof EXIT_TYPE];

/** exit_code_t. VM_EXIT accepts NORMAL, SOFTWARE_ERROR, BUS_ERROR and DEVICE_ERROR only. */
export const EXIT_CODE = {
  NORMAL: 0,
  SOFTWARE_ERROR: 1,
  UNKNOWN_ERROR: 2,
  BUS_ERROR: 3,
  DEVICE_ERROR: 4,
} as const;
export type ExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE];

/** Bits of exit_flags (the low 16 bits of exit_reason[0]). */
export const EXIT_FLAG_RESTART = 0x1;
export const EXIT_FLAG_SMC64 = 0x8000;

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
