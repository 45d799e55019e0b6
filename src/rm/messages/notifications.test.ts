import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RmError } from '../rm-error.js';
import { decodeNotification, encodeNotification } from './message-catalogue.js';
import * as ID from './message-ids.js';
import * as N from './notifications.js';
import { EXIT_CODE, EXIT_FLAG_RESTART, EXIT_FLAG_SMC64, EXIT_TYPE, OS_STATUS, VM_STATUS } from '../vm-constants.js';

const fieldsOf = (id: number, p: Uint8Array | number[]) => {
  const r = decodeNotification(id, Uint8Array.from(p));
  return r.kind === 'notification' ? r.fields : r.kind;
};

test('layouts: VM_EXITED header 8 + reason0 4, VM_SHUTDOWN 4, VM_STATUS 8', () => {
  assert.deepEqual([N.NOTIFY_VM_EXITED_HEADER.size, N.VM_EXIT_REASON0.size, N.NOTIFY_VM_SHUTDOWN_PAYLOAD.size, N.NOTIFY_VM_STATUS_PAYLOAD.size], [8, 4, 4, 8]);
  assert.deepEqual(N.NOTIFY_VM_STATUS_PAYLOAD.offsets, { vmid: 0, res0: 2, vm_status: 4, os_status: 5, app_status: 6 });
});

test('NOTIFY_VM_EXITED after a forced stop: type 7, reason size 4, reason 0', () => {
  const p = encodeNotification(ID.NOTIFY_VM_EXITED, { vmid: 0x80, exit_type: EXIT_TYPE.VM_STOP_FORCED, exit_flags: 0, exit_code: EXIT_CODE.NORMAL, extra_reason: [] });
  assert.deepEqual([...p], [0x80, 0, 7, 0, 4, 0, 0, 0, 0, 0, 0, 0]);
  const exit = encodeNotification(ID.NOTIFY_VM_EXITED, { vmid: 0x81, exit_type: EXIT_TYPE.VM_EXIT, exit_flags: EXIT_FLAG_RESTART, exit_code: EXIT_CODE.BUS_ERROR, extra_reason: [] });
  assert.deepEqual([...exit.subarray(8)], [1, 0, 3, 0]);
});

test('NOTIFY_VM_EXITED for PSCI SYSTEM_RESET2: 16-byte reason = flags|code, reset_type, cookie lo, cookie hi', () => {
  const extra = N.psciReset2ExtraReason({ reset_type: 0x8000_0001, cookie: 0x1122_3344_5566_7788n }, true);
  const p = encodeNotification(ID.NOTIFY_VM_EXITED, { vmid: 0x80, exit_type: EXIT_TYPE.PSCI_SYSTEM_RESET2, exit_flags: EXIT_FLAG_SMC64, exit_code: 0, extra_reason: extra });
  assert.deepEqual([...p], [0x80, 0, 3, 0, 16, 0, 0, 0, 0, 0x80, 0, 0, 1, 0, 0, 0x80, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
  const f = fieldsOf(ID.NOTIFY_VM_EXITED, p);
  assert.deepEqual(f, { vmid: 0x80, exit_type: 3, exit_flags: 0x8000, exit_code: 0, extra_reason: [0x8000_0001, 0x5566_7788, 0x1122_3344] });
  assert.deepEqual(N.psciReset2FromExited(f as N.VmExitedNotification), { reset_type: 0x8000_0001, cookie: 0x1122_3344_5566_7788n, smc64: true });
  assert.deepEqual(N.psciReset2ExtraReason({ reset_type: 0, cookie: 0x1122_3344_5566_7788n }, false), [0, 0x5566_7788, 0]);
  assert.equal(N.psciReset2FromExited({ exit_flags: 0, extra_reason: [] }), undefined);
  assert.throws(() => N.psciReset2ExtraReason({ reset_type: 0, cookie: -1n }, true), RmError);
});

test('NOTIFY_VM_EXITED decoding checks exit_reason_size against the payload', () => {
  assert.equal(fieldsOf(ID.NOTIFY_VM_EXITED, [0x80, 0, 7, 0, 4, 0, 0, 0, 0, 0, 0]), 'malformed');
  assert.equal(fieldsOf(ID.NOTIFY_VM_EXITED, [0x80, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0, 0]), 'malformed');
  assert.equal(fieldsOf(ID.NOTIFY_VM_EXITED, [0x80, 0, 7, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'malformed');
  assert.equal(fieldsOf(ID.NOTIFY_VM_EXITED, [0x80, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'malformed');
});

test('NOTIFY_VM_STATUS is 8 bytes; NOTIFY_VM_SHUTDOWN carries the stop reason', () => {
  const p = encodeNotification(ID.NOTIFY_VM_STATUS, { vmid: 0x80, vm_status: VM_STATUS.RESET, os_status: OS_STATUS.NONE, app_status: 0 });
  assert.deepEqual([...p], [0x80, 0, 0, 0, 11, 0, 0, 0]);
  assert.deepEqual(fieldsOf(ID.NOTIFY_VM_STATUS, [0x80, 0, 0, 0, 3, 4, 1, 0]), { vmid: 0x80, res0: 0, vm_status: 3, os_status: 4, app_status: 1 });
  assert.equal(fieldsOf(ID.NOTIFY_VM_STATUS, [0x80, 0, 0, 0, 3, 4, 1]), 'malformed');
  assert.deepEqual([...encodeNotification(ID.NOTIFY_VM_SHUTDOWN, { stop_reason: 3 })], [3, 0, 0, 0]);
});

test('NOTIFY_VM_CONSOLE_CHARS: u16 from, u16 num_bytes, bytes (unpadded); unknown ids', () => {
  const p = encodeNotification(ID.NOTIFY_VM_CONSOLE_CHARS, { from: 0x80, chars: Uint8Array.from([0x68, 0x69, 0x0a]) });
  assert.deepEqual([...p], [0x80, 0, 3, 0, 0x68, 0x69, 0x0a]);
  assert.deepEqual(fieldsOf(ID.NOTIFY_VM_CONSOLE_CHARS, p), { from: 0x80, chars: Uint8Array.from([0x68, 0x69, 0x0a]) });
  assert.equal(fieldsOf(ID.NOTIFY_VM_CONSOLE_CHARS, [0x80, 0, 3, 0, 0x68]), 'malformed');
  assert.equal(fieldsOf(0x5610_0011, [0]), 'unknown');
  assert.throws(() => encodeNotification(0x5610_0011 as typeof ID.NOTIFY_VM_STATUS, {} as never), (e: unknown) => e instanceof RmError && e.code === 'UNKNOWN_MESSAGE_ID');
});
