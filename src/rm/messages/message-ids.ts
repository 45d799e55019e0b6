// RM message and notification ids for VM management (gunyah.md §4.1, §4.2): RM include/vm_mgnt_message.h,
// vm_creation_message.h, vm_console_message.h, vm_ipa_message.h. Names are RM's; Linux names are in the catalogue.

export const VM_ALLOCATE = 0x5600_0001;
export const VM_DEALLOCATE = 0x5600_0002;
/** RM-2104/2203 only, later removed. */
export const VM_SET_NAME = 0x5600_0003;
export const VM_START = 0x5600_0004;
export const VM_STOP = 0x5600_0005;
/** RM-2104/2203 used this id for VM_SHUTDOWN (gunyah.md §8). */
export const VM_RESET = 0x5600_0006;
/** Commented out in RM. */
export const VM_SUSPEND = 0x5600_0007;
export const VM_RESUME = 0x5600_0008;
export const VM_CONFIG_IMAGE = 0x5600_0009;
export const VM_AUTH_IMAGE = 0x5600_000a;
export const VM_INIT = 0x5600_000b;
/** L-v16's SET_BOOT_CONTEXT id; RM never defined it (v17 moved to VM_SET_CONTEXT). */
export const VM_SET_BOOT_CONTEXT_V16 = 0x5600_000c;
export const VM_GET_ID = 0x5600_0010;
export const VM_LOOKUP_URI = 0x5600_0011;
export const VM_LOOKUP_GUID = 0x5600_0012;
export const VM_LOOKUP_NAME = 0x5600_0013;
export const VM_GET_OWNER = 0x5600_0015;
export const VM_GET_STATE = 0x5600_0017;
export const VM_GET_CRASH_MSG = 0x5600_0019;
export const VM_GET_HYP_RESOURCES = 0x5600_0020;
/** "FIXME v2" in RM: unhandled. */
export const VM_GET_HYP_CAPIDS = 0x5600_0021;
export const VM_GET_HYP_IRQS = 0x5600_0022;
export const VM_GET_VMID = 0x5600_0024;
export const VM_GET_PEERS = 0x5600_0025;
export const VM_SET_TIME_BASE = 0x5600_0030;
export const VM_SET_CONTEXT = 0x5600_0031;
export const VM_SET_FIRMWARE_MEM = 0x5600_0032;
/** Linux v15+ only; absent from RM bf31a9a. */
export const VM_SET_DEMAND_PAGING = 0x5600_0033;
/** Linux v17 only; absent from RM bf31a9a. */
export const VM_SET_ADDRESS_LAYOUT = 0x5600_0034;
export const VM_SET_STATUS = 0x5600_0080;
export const VM_CONSOLE_OPEN = 0x5600_0081;
export const VM_CONSOLE_CLOSE = 0x5600_0082;
export const VM_CONSOLE_WRITE = 0x5600_0083;
export const VM_CONSOLE_FLUSH = 0x5600_0084;
export const VM_EXIT = 0x5600_0085;
export const VM_SET_CRASH_MSG = 0x5600_0086;
export const VM_HOST_GET_TYPE = 0x5600_00a0;
export const IPA_RESERVE = 0x5600_00b0;
export const IPA_UNRESERVE = 0x5600_00b1;

export const NOTIFY_VM_EXITED = 0x5610_0001;
export const NOTIFY_VM_SHUTDOWN = 0x5610_0002;
export const NOTIFY_VM_STATUS = 0x5610_0008;
export const NOTIFY_VM_CONSOLE_CHARS = 0x5610_0080;

/** Ids RM knows of but answers with UNIMPLEMENTED and no catalogue layout: the server's unknown-id path covers them. */
export const RM_UNHANDLED_VM_IDS: readonly number[] = [VM_SET_NAME, VM_SUSPEND, VM_RESUME, VM_SET_BOOT_CONTEXT_V16, VM_GET_HYP_CAPIDS, VM_GET_HYP_IRQS, IPA_UNRESERVE];
