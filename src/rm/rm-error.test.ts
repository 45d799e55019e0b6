import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRmError, isRmErrorCode, linuxErrnoForRmError, LINUX_ERRNO, RM_ERROR, RM_ERROR_LINUX, rmErrorName, RmError } from './rm-error.js';

test('RM error codes are the values of RM include/rm-rpc.h (gunyah.md §3.4)', () => {
  assert.deepEqual(
    Object.entries(RM_ERROR).map(([n, c]) => [n, c]),
    [
      ['OK', 0], ['UNIMPLEMENTED', 0xffffffff], ['NOMEM', 1], ['NORESOURCE', 2], ['DENIED', 3], ['MSG_INVALID', 4], ['BUSY', 5],
      ['ARGUMENT_INVALID', 6], ['HANDLE_INVALID', 7], ['VALIDATE_FAILED', 8], ['MAP_FAILED', 9], ['MEM_INVALID', 0xa], ['MEM_INUSE', 0xb],
      ['MEM_RELEASED', 0xc], ['VMID_INVALID', 0xd], ['LOOKUP_FAILED', 0xe], ['IRQ_INVALID', 0xf], ['IRQ_INUSE', 0x10], ['IRQ_RELEASED', 0x11],
      ['IN_USE', 0x12], ['IRQ_NOT_MAPPED', 0x13], ['VM_STATE', 0x14],
    ],
  );
  assert.equal(rmErrorName(4), 'MSG_INVALID');
  assert.equal(rmErrorName(0x15), undefined);
  assert.equal(describeRmError(0x14), 'VM_STATE (0x14)');
  assert.equal(describeRmError(0xffffffff), 'UNIMPLEMENTED (0xffffffff)');
  assert.equal(describeRmError(0x99), 'unknown RM error 0x99');
});

test('Linux errno mapping (gunyah_rm_error_remap): 0x6-0x11 -> -EINVAL, RM-only and unknown codes -> -EBADMSG', () => {
  assert.equal(linuxErrnoForRmError(RM_ERROR.OK), 0);
  assert.equal(linuxErrnoForRmError(RM_ERROR.UNIMPLEMENTED), -95);
  assert.equal(linuxErrnoForRmError(RM_ERROR.NOMEM), -12);
  assert.equal(linuxErrnoForRmError(RM_ERROR.NORESOURCE), -19);
  assert.equal(linuxErrnoForRmError(RM_ERROR.DENIED), -1);
  assert.equal(linuxErrnoForRmError(RM_ERROR.MSG_INVALID), -22);
  assert.equal(linuxErrnoForRmError(RM_ERROR.BUSY), -16);
  for (let c = 0x6; c <= 0x11; c++) assert.equal(linuxErrnoForRmError(c), -LINUX_ERRNO.EINVAL, `code 0x${c.toString(16)}`);
  for (const c of [0x12, 0x13, 0x14, 0x15, 0x7fff_ffff]) assert.equal(linuxErrnoForRmError(c), -74, `code 0x${c.toString(16)}`);
  assert.equal(RM_ERROR_LINUX.MSG_INVALID.linuxName, 'INVALID');
  assert.equal(RM_ERROR_LINUX.VM_STATE.linuxName, undefined);
});

test('RmError carries a closed code and the RM wire code', () => {
  const e = new RmError('MESSAGE_TOO_LARGE', RM_ERROR.MSG_INVALID, 'too big');
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'RmError');
  assert.equal(e.code, 'MESSAGE_TOO_LARGE');
  assert.equal(e.rmCode, 4);
});

test('RM error codes are gunyah.md §3.4', () => {
  assert.deepEqual({ ...RM_ERROR }, {
    OK: 0, UNIMPLEMENTED: 0xffffffff, NOMEM: 1, NORESOURCE: 2, DENIED: 3, MSG_INVALID: 4, BUSY: 5,
    ARGUMENT_INVALID: 6, HANDLE_INVALID: 7, VALIDATE_FAILED: 8, MAP_FAILED: 9, MEM_INVALID: 0xa, MEM_INUSE: 0xb,
    MEM_RELEASED: 0xc, VMID_INVALID: 0xd, LOOKUP_FAILED: 0xe, IRQ_INVALID: 0xf, IRQ_INUSE: 0x10, IRQ_RELEASED: 0x11,
    IN_USE: 0x12, IRQ_NOT_MAPPED: 0x13, VM_STATE: 0x14,
  });
  assert.equal(rmErrorName(0x14), 'VM_STATE');
  assert.equal(rmErrorName(0x15), undefined);
  assert.equal(isRmErrorCode(0xffffffff), true);
  assert.equal(isRmErrorCode(-1), false);
});
