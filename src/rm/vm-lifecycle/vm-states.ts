// VM status, OS status and auth-mechanism values (gunyah.md §4.3; RM bf31a9a `vm_state_t`, `os_state_t`,
// `vm_auth_type_t`; Linux `gunyah_rm_vm_status`). Status 7 is reserved: no VM is ever in it.

export const VM_STATUS = {
  /** RM `VM_STATE_NONE`. */
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

/** VM_CONFIG_IMAGE auth_mech (Linux: NONE, QCOM_PIL_ELF, QCOM_ANDROID_PVM). */
export const VM_AUTH_TYPE = {
  NONE: 0,
  PLATFORM: 1,
  ANDROID: 2,
} as const;

export type VmAuthTypeName = keyof typeof VM_AUTH_TYPE;
export type VmAuthType = (typeof VM_AUTH_TYPE)[VmAuthTypeName];

/** Every VM status in numeric order: the rows and columns of the §6.1 table. */
export const VM_STATUS_NAMES: readonly VmStatusName[] = Object.freeze(
  (Object.keys(VM_STATUS) as VmStatusName[]).sort((a, b) => VM_STATUS[a] - VM_STATUS[b]),
);

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
