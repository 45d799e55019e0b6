// The shared RM VM-management values (gunyah.md §4.2, §4.3) and their lookups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as C from './vm-constants.js';
import {
  EXIT_CODE,
  EXIT_FLAG,
  EXIT_TYPE,
  exitReasonWord,
  isOsStatus,
  isVmAuthType,
  isVmStatus,
  OS_STATUS,
  osStatusName,
  VM_AUTH_TYPE,
  VM_STATUS,
  VM_STATUS_NAMES,
  vmStatusName,
} from './vm-constants.js';

test('VM status values are gunyah.md §4.3 (7 reserved)', () => {
  assert.deepEqual({ ...VM_STATUS }, {
    NO_STATE: 0, INIT: 1, READY: 2, RUNNING: 3, PAUSED: 4, LOAD: 5, AUTH: 6, INIT_FAILED: 8, EXITED: 9, RESETTING: 10, RESET: 11,
  });
  assert.deepEqual(VM_STATUS_NAMES, ['NO_STATE', 'INIT', 'READY', 'RUNNING', 'PAUSED', 'LOAD', 'AUTH', 'INIT_FAILED', 'EXITED', 'RESETTING', 'RESET']);
  assert.equal(vmStatusName(9), 'EXITED');
  assert.equal(vmStatusName(7), undefined);
  assert.equal(isVmStatus(7), false);
  assert.equal(isVmStatus(12), false);
  assert.equal(isVmStatus(0), true);
});

test('os_status and auth mechanism values are gunyah.md §4.3', () => {
  assert.deepEqual({ ...OS_STATUS }, { NONE: 0, EARLY_BOOT: 1, BOOT: 2, INIT: 3, RUN: 4, SHUTDOWN: 5, HALTED: 6, CRASHED: 7 });
  assert.equal(osStatusName(7), 'CRASHED');
  assert.equal(isOsStatus(8), false);
  assert.deepEqual({ ...VM_AUTH_TYPE }, { NONE: 0, PLATFORM: 1, ANDROID: 2 });
  assert.equal(isVmAuthType(2), true);
  assert.equal(isVmAuthType(3), false);
});

test('exit types, exit codes and exit_reason[0] are gunyah.md §4.2', () => {
  assert.deepEqual({ ...EXIT_TYPE }, {
    VM_EXIT: 0, PLATFORM_OFF: 1, PLATFORM_RESET: 2, PSCI_SYSTEM_RESET2: 3, WATCHDOG_BITE: 4, SOFTWARE_ERROR: 5, ASYNC_HW_ERROR: 6, VM_STOP_FORCED: 7,
  });
  assert.deepEqual({ ...EXIT_CODE }, { NORMAL: 0, SOFTWARE_ERROR: 1, UNKNOWN_ERROR: 2, BUS_ERROR: 3, DEVICE_ERROR: 4 });
  assert.deepEqual({ ...EXIT_FLAG }, { RESTART: 1, SMC64: 0x8000 });
  assert.equal(exitReasonWord(EXIT_FLAG.RESTART | EXIT_FLAG.SMC64, EXIT_CODE.DEVICE_ERROR), 0x0004_8001);
  assert.equal(exitReasonWord(0x1_0001, EXIT_CODE.NORMAL), 1, 'flags are 16 bits');
});

test('special VMIDs are gunyah.md §4 (RM rm_types.h); Linux root VM is RM', () => {
  assert.deepEqual(
    [C.VMID_HYP, C.VMID_HLOS, C.VMID_RM, C.VMID_DYNAMIC_BASE, C.VMID_DYNAMIC_END, C.VMID_ANY, C.VMID_PEER_DEFAULT],
    [0, 3, 0xff, 0x80, 0xbf, 0xfffe, 0xffff],
  );
  assert.equal(C.GUNYAH_VMID_ROOT_VM, C.VMID_RM);
  assert.deepEqual([C.EXIT_FLAG_RESTART, C.EXIT_FLAG_SMC64], [EXIT_FLAG.RESTART, EXIT_FLAG.SMC64]);
  assert.deepEqual([...C.VM_EXIT_ALLOWED_CODES].sort(), [0, 1, 3, 4]);
});
