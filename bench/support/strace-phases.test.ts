import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phasesFromTrace } from './strace-phases.js';

// Abridged strace -f -ttt -qq output of `bothy run`: main thread 100, vCPU thread 107.
const TRACE = [
  '100  1000.100000 ioctl(18, KVM_GET_API_VERSION, 0) = 12',
  '100  1000.101000 ioctl(18, KVM_CREATE_VM, 0) = 19',
  '100  1000.120000 ioctl(19, KVM_CREATE_VCPU, 0) = 21',
  '100  1000.130000 clone3({flags=CLONE_VM|CLONE_THREAD, stack_size=0x3ffe80} => {parent_tid=[105]}, 88) = 105',
  '100  1000.140000 clone3({flags=CLONE_VM|CLONE_THREAD, stack_size=0x3ffe80} => {parent_tid=[107]}, 88) = 107',
  '105  1000.150000 write(1, "not the guest", 13) = 13',
  '107  1000.250000 ioctl(21, KVM_RUN, 0) = 0',
  '107  1000.262000 write(1, "b", 1) = 1',
  '107  1000.290000 ioctl(21, KVM_RUN, 0) = 0',
  '100  1000.300000 exit_group(0)   = ?',
].join('\n');

test('each phase runs from one marker to the next, the vCPU thread found by its KVM_RUN', () => {
  const p = phasesFromTrace(TRACE, 1_000_000, 1_000_320);
  assert.ok(p);
  const round = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Math.round(v)]));
  assert.deepEqual(round, {
    toKvmOpen: 100,
    vmBuild: 20,
    toWorkerThread: 20,
    workerToFirstRun: 110,
    guestToFirstByte: 12,
    firstByteToExitGroup: 38,
    exitGroupToReaped: 20,
  });
});

test('a run that never reached KVM_RUN has no phases', () => {
  const cut = TRACE.split('\n').filter((l) => !l.includes('KVM_RUN')).join('\n');
  assert.equal(phasesFromTrace(cut, 1_000_000, 1_000_320), undefined);
});
