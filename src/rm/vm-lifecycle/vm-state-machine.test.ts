// The expected outcomes below are written from gunyah.md §4.1 and §6.1 (who may call, which state, which error),
// not computed from the implementation. Column order of every row: the VM's current status.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LifecycleVm } from './lifecycle-vm.js';
import { canTransition, checkRequest, decideRequest, type LifecycleDecision, type VmLifecycleRequest } from './vm-state-machine.js';
import { VM_STATUS, VM_STATUS_NAMES, type VmStatus, type VmStatusName } from '../vm-constants.js';
import { VmidAllocator } from './vmid-allocator.js';

const STATES = ['NO_STATE', 'INIT', 'READY', 'RUNNING', 'PAUSED', 'LOAD', 'AUTH', 'INIT_FAILED', 'EXITED', 'RESETTING', 'RESET'] as const;
const STATUS_NUMBER: Record<(typeof STATES)[number], number> = {
  NO_STATE: 0, INIT: 1, READY: 2, RUNNING: 3, PAUSED: 4, LOAD: 5, AUTH: 6, INIT_FAILED: 8, EXITED: 9, RESETTING: 10, RESET: 11,
};

const HYP = 0;
const HLOS = 3;
const RM = 0xff;
const TARGET = 0x80;

const RM_ERR = { DENIED: 3, MSG_INVALID: 4, NORESOURCE: 2, ARGUMENT_INVALID: 6, MEM_INVALID: 0xa, VMID_INVALID: 0xd, VM_STATE: 0x14, UNIMPLEMENTED: 0xffffffff } as const;
type RefusalName = keyof typeof RM_ERR;

// ---------------------------------------------------------------------------------------------------------------
// §6.1 transition table, as pairs "from→to".

const ALLOWED = new Set([
  'LOAD→INIT', 'AUTH→INIT', 'RESET→INIT',
  'INIT→READY',
  'READY→RUNNING', 'PAUSED→RUNNING',
  'RUNNING→PAUSED',
  'NO_STATE→LOAD',
  'LOAD→AUTH', 'RESET→AUTH',
  'INIT→INIT_FAILED', 'READY→INIT_FAILED', 'LOAD→INIT_FAILED', 'AUTH→INIT_FAILED', 'RESET→INIT_FAILED',
  'RUNNING→EXITED', 'PAUSED→EXITED',
  'EXITED→RESETTING', 'READY→RESETTING', 'INIT_FAILED→RESETTING',
  'RESETTING→RESET',
  'RESET→NO_STATE',
]);

test('canTransition is §6.1 exactly: every one of the 11 x 11 pairs', () => {
  assert.deepEqual([...VM_STATUS_NAMES], [...STATES]);
  let allowed = 0;
  for (const from of STATES) {
    for (const to of STATES) {
      const want = ALLOWED.has(`${from}→${to}`);
      assert.equal(canTransition(STATUS_NUMBER[from] as VmStatus, STATUS_NUMBER[to] as VmStatus), want, `${from}→${to}`);
      if (want) allowed++;
    }
  }
  assert.equal(allowed, ALLOWED.size);
});

test('canTransition: no-shutdown, crash-fatal and no-reset conditions of §6.1', () => {
  const none = { noShutdown: false, noReset: false, crashFatal: false };
  const noShutdown = { ...none, noShutdown: true };
  const crashFatalOnly = { ...none, crashFatal: true };
  const noReset = { ...none, noReset: true };
  const s = VM_STATUS;
  assert.equal(canTransition(s.RUNNING, s.PAUSED, noShutdown), false);
  assert.equal(canTransition(s.RUNNING, s.EXITED, noShutdown), false);
  assert.equal(canTransition(s.PAUSED, s.EXITED, noShutdown), false);
  assert.equal(canTransition(s.RUNNING, s.EXITED, crashFatalOnly), false);
  assert.equal(canTransition(s.RUNNING, s.PAUSED, crashFatalOnly), true, 'PAUSED is gated by no-shutdown alone');
  for (const from of [s.EXITED, s.READY, s.INIT_FAILED]) {
    assert.equal(canTransition(from, s.RESETTING, noReset), false);
    assert.equal(canTransition(from, s.RESETTING, noShutdown), true);
  }
  assert.equal(canTransition(s.READY, s.RUNNING, { noShutdown: true, noReset: true, crashFatal: true }), true, 'other targets are not gated');
  assert.equal(canTransition(7 as VmStatus, s.INIT), false, 'status 7 is reserved');
  assert.equal(canTransition(s.LOAD, 12 as VmStatus), false);
});

// ---------------------------------------------------------------------------------------------------------------
// Requests x caller relations x states.

const RELATIONS = {
  /** HLOS asks about a VM it owns: the normal case. */
  owner: { caller: HLOS, owner: HLOS },
  /** HLOS asks about a VM it does not own (RM's own VMs). */
  hlos: { caller: HLOS, owner: RM },
  /** The owner asks, but the owner is not HLOS. */
  ownerVm: { caller: 0x90, owner: 0x90 },
  /** The VM asks about itself. */
  self: { caller: TARGET, owner: HLOS },
  /** Another VM asks. */
  other: { caller: 0x81, owner: HLOS },
  /** The hypervisor asks. */
  hyp: { caller: HYP, owner: HLOS },
} as const;
type Relation = keyof typeof RELATIONS;

const REQUESTS = {
  DEALLOCATE: (caller: number): VmLifecycleRequest => ({ kind: 'VM_DEALLOCATE', caller }),
  CONFIG_NONE: (caller: number): VmLifecycleRequest => ({ kind: 'VM_CONFIG_IMAGE', caller, authMech: 0 }),
  CONFIG_PLATFORM: (caller: number): VmLifecycleRequest => ({ kind: 'VM_CONFIG_IMAGE', caller, authMech: 1 }),
  CONFIG_ANDROID: (caller: number): VmLifecycleRequest => ({ kind: 'VM_CONFIG_IMAGE', caller, authMech: 2 }),
  AUTH_IMAGE: (caller: number): VmLifecycleRequest => ({ kind: 'VM_AUTH_IMAGE', caller }),
  INIT: (caller: number): VmLifecycleRequest => ({ kind: 'VM_INIT', caller, res0: 0 }),
  START: (caller: number): VmLifecycleRequest => ({ kind: 'VM_START', caller }),
  STOP: (caller: number): VmLifecycleRequest => ({ kind: 'VM_STOP', caller, flags: 0, stopReason: 3 }),
  STOP_FORCE: (caller: number): VmLifecycleRequest => ({ kind: 'VM_STOP', caller, flags: 1, stopReason: 3 }),
  RESET: (caller: number): VmLifecycleRequest => ({ kind: 'VM_RESET', caller }),
  EXIT: (caller: number): VmLifecycleRequest => ({ kind: 'VM_EXIT', caller, exitFlags: 0, exitCode: 0, res0: 0 }),
} as const;
type RequestKey = keyof typeof REQUESTS;

/** Refused with that RM error | accepted into that state | accepted, VM asked to shut down | deallocated. */
type Cell = RefusalName | `→${VmStatusName}` | 'shutdown' | 'gone';
type Row = readonly [Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell];
const all = (c: Cell): Row => [c, c, c, c, c, c, c, c, c, c, c];
const VS = 'VM_STATE';

/** Per request: a row per caller relation, and the answer when the target VM does not exist (HLOS asking). */
const EXPECTED: Record<RequestKey, Record<Relation, Row> & { absent: Cell }> = {
  //                 NO_STATE INIT       READY          RUNNING      PAUSED       LOAD      AUTH      INIT_FAILED    EXITED         RESETTING RESET
  DEALLOCATE: {
    owner:           [VS,     VS,        VS,            VS,          VS,          'gone',   VS,       VS,            VS,            VS,       'gone'],
    hlos:            all('DENIED'),
    ownerVm:         [VS,     VS,        VS,            VS,          VS,          'gone',   VS,       VS,            VS,            VS,       'gone'],
    self:            all('DENIED'),
    other:           all('DENIED'),
    hyp:             all('UNIMPLEMENTED'),
    absent: 'VMID_INVALID',
  },
  CONFIG_NONE: {
    owner:           [VS,     VS,        VS,            VS,          VS,          '→INIT',  VS,       VS,            VS,            VS,       '→INIT'],
    hlos:            all('DENIED'),
    ownerVm:         all('DENIED'),
    self:            all('DENIED'),
    other:           all('DENIED'),
    hyp:             all('DENIED'),
    absent: 'VMID_INVALID',
  },
  CONFIG_PLATFORM: {
    owner:           [VS,     VS,        VS,            VS,          VS,          '→AUTH',  VS,       VS,            VS,            VS,       '→AUTH'],
    hlos:            all('DENIED'),
    ownerVm:         all('DENIED'),
    self:            all('DENIED'),
    other:           all('DENIED'),
    hyp:             all('DENIED'),
    absent: 'VMID_INVALID',
  },
  CONFIG_ANDROID: {
    owner:           [VS,     VS,        VS,            VS,          VS,          '→INIT',  VS,       VS,            VS,            VS,       '→INIT'],
    hlos:            all('DENIED'),
    ownerVm:         all('DENIED'),
    self:            all('DENIED'),
    other:           all('DENIED'),
    hyp:             all('DENIED'),
    absent: 'VMID_INVALID',
  },
  AUTH_IMAGE: {
    owner:           [VS,     VS,        VS,            VS,          VS,          VS,       '→INIT',  VS,            VS,            VS,       VS],
    hlos:            all('DENIED'),
    ownerVm:         all('DENIED'),
    self:            all('DENIED'),
    other:           all('DENIED'),
    hyp:             all('DENIED'),
    absent: 'VMID_INVALID',
  },
  INIT: {
    owner:           [VS,     '→READY',  VS,            VS,          VS,          VS,       VS,       VS,            VS,            VS,       VS],
    hlos:            all('DENIED'),
    ownerVm:         all('DENIED'),
    self:            all('DENIED'),
    other:           all('DENIED'),
    hyp:             all('DENIED'),
    absent: 'VMID_INVALID',
  },
  START: {
    owner:           [VS,     VS,        '→RUNNING',    VS,          VS,          VS,       VS,       VS,            VS,            VS,       VS],
    hlos:            all('DENIED'),
    ownerVm:         [VS,     VS,        '→RUNNING',    VS,          VS,          VS,       VS,       VS,            VS,            VS,       VS],
    self:            all('DENIED'),
    other:           all('DENIED'),
    hyp:             all('DENIED'),
    absent: 'VMID_INVALID',
  },
  STOP: {
    owner:           [VS,     VS,        VS,            'shutdown',  'shutdown',  VS,       VS,       VS,            VS,            VS,       VS],
    hlos:            all('VMID_INVALID'),
    ownerVm:         [VS,     VS,        VS,            'shutdown',  'shutdown',  VS,       VS,       VS,            VS,            VS,       VS],
    self:            all('VMID_INVALID'),
    other:           all('VMID_INVALID'),
    hyp:             all('UNIMPLEMENTED'),
    absent: 'VMID_INVALID',
  },
  STOP_FORCE: {
    owner:           [VS,     VS,        VS,            '→EXITED',   '→EXITED',   VS,       VS,       VS,            VS,            VS,       VS],
    hlos:            all('VMID_INVALID'),
    ownerVm:         [VS,     VS,        VS,            '→EXITED',   '→EXITED',   VS,       VS,       VS,            VS,            VS,       VS],
    self:            all('VMID_INVALID'),
    other:           all('VMID_INVALID'),
    hyp:             all('UNIMPLEMENTED'),
    absent: 'VMID_INVALID',
  },
  RESET: {
    owner:           [VS,     VS,        '→RESETTING',  VS,          VS,          VS,       VS,       '→RESETTING',  '→RESETTING',  VS,       VS],
    hlos:            all('VMID_INVALID'),
    ownerVm:         [VS,     VS,        '→RESETTING',  VS,          VS,          VS,       VS,       '→RESETTING',  '→RESETTING',  VS,       VS],
    self:            all('VMID_INVALID'),
    other:           all('VMID_INVALID'),
    hyp:             all('UNIMPLEMENTED'),
    absent: 'VMID_INVALID',
  },
  EXIT: {
    owner:           all('VMID_INVALID'),
    hlos:            all('VMID_INVALID'),
    ownerVm:         all('VMID_INVALID'),
    self:            [VS,     VS,        VS,            '→EXITED',   '→EXITED',   VS,       VS,       VS,            VS,            VS,       VS],
    other:           all('VMID_INVALID'),
    hyp:             all('UNIMPLEMENTED'),
    absent: 'VMID_INVALID',
  },
};

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function vmIn(state: (typeof STATES)[number], owner: number, extra: Partial<LifecycleVm> = {}): LifecycleVm {
  return deepFreeze({
    vmid: TARGET,
    owner,
    status: STATUS_NUMBER[state] as VmStatus,
    osStatus: 2,
    appStatus: 0x1234,
    authType: 1,
    ...(state === 'RESETTING' ? { resetStage: 'RELEASE_IRQS' as const } : {}),
    attrs: { noShutdown: false, noReset: false, crashFatal: false },
    hasCrashMsg: false,
    ...extra,
  } as LifecycleVm);
}

const statusNote = (vmid: number, vmStatus: number) => ({ kind: 'NOTIFY_VM_STATUS', msgId: 0x56100008, to: 'peers', vmid, vmStatus, osStatus: 2, appStatus: 0x1234 });

/** Checks one decision against one cell of the table. */
function expectCell(d: LifecycleDecision, cell: Cell, vm: LifecycleVm | undefined, req: VmLifecycleRequest, where: string): void {
  if (cell in RM_ERR) {
    assert.deepEqual(d, { kind: 'refused', ok: false, rmError: RM_ERR[cell as RefusalName] }, where);
    return;
  }
  assert.equal(d.kind, 'accepted', `${where}: expected ${cell}, got ${JSON.stringify(d)}`);
  if (!d.ok) return;
  assert.equal(d.reply, 0, where);
  if (cell === 'gone') {
    assert.equal(d.vm, undefined, where);
    assert.deepEqual(d.notifications, [], where);
    assert.deepEqual(d.effects, ['delete-vm', 'release-vmid'], where);
    return;
  }
  if (cell === 'shutdown') {
    assert.deepEqual(d.vm, vm, where);
    assert.deepEqual(d.states, [], where);
    assert.deepEqual(d.notifications, [{ kind: 'NOTIFY_VM_SHUTDOWN', msgId: 0x56100002, to: TARGET, stopReason: 3 }], where);
    return;
  }
  const to = STATUS_NUMBER[cell.slice(1) as (typeof STATES)[number]];
  assert.equal(d.vm?.status, to, where);
  assert.equal(d.vm?.vmid, TARGET, where);
  assert.equal(d.vm?.owner, vm?.owner, where);
  assert.deepEqual(d.states, [to], where);
  // NOTIFY_VM_STATUS on every change, first; exits add NOTIFY_VM_EXITED to the owner.
  assert.deepEqual(d.notifications[0], statusNote(TARGET, to), where);
  if (req.kind === 'VM_STOP') {
    assert.deepEqual(d.notifications.slice(1), [{ kind: 'NOTIFY_VM_EXITED', msgId: 0x56100001, to: vm!.owner, vmid: TARGET, exitType: 7, exitFlags: 0, exitCode: 0, exitReason: [0] }], where);
  } else if (req.kind === 'VM_EXIT') {
    assert.deepEqual(d.notifications.slice(1), [{ kind: 'NOTIFY_VM_EXITED', msgId: 0x56100001, to: vm!.owner, vmid: TARGET, exitType: 0, exitFlags: 0, exitCode: 0, exitReason: [0] }], where);
  } else {
    assert.equal(d.notifications.length, 1, where);
  }
}

for (const key of Object.keys(REQUESTS) as RequestKey[]) {
  test(`${key}: every state x every caller relation, and a missing VM`, () => {
    const rows = EXPECTED[key];
    for (const rel of Object.keys(RELATIONS) as Relation[]) {
      const { caller, owner } = RELATIONS[rel];
      STATES.forEach((state, i) => {
        const vm = vmIn(state, owner);
        const req = REQUESTS[key](caller);
        const where = `${key} by ${rel} in ${state}`;
        const d = decideRequest(vm, req);
        expectCell(d, rows[rel][i]!, vm, req, where);
        assert.equal(checkRequest(vm, req) === undefined, d.ok, `${where}: checkRequest agrees`);
      });
    }
    expectCell(decideRequest(undefined, REQUESTS[key](HLOS)), rows.absent, undefined, REQUESTS[key](HLOS), `${key} on a missing VM`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// VM_ALLOCATE: no target VM; the caller and the requested VMID decide.

test('VM_ALLOCATE: HLOS only (DENIED), HYP unanswered (UNIMPLEMENTED); vmid 0 = dynamic, 1-63 = free secondary', () => {
  const cases: readonly [string, number, number, Cell | { vmid: number; replyVmid?: number }][] = [
    ['HLOS, dynamic', HLOS, 0, { vmid: 0x80, replyVmid: 0x80 }],
    ['HLOS, secondary 5', HLOS, 5, { vmid: 5 }],
    ['HLOS, 2 (not secondary on this platform)', HLOS, 2, 'NORESOURCE'],
    ['HLOS, 3 (HLOS itself)', HLOS, 3, 'NORESOURCE'],
    ['HLOS, 64', HLOS, 64, 'NORESOURCE'],
    ['HLOS, 0x80 by name', HLOS, 0x80, 'NORESOURCE'],
    ['a VM', 0x81, 0, 'DENIED'],
    ['RM', RM, 0, 'DENIED'],
    ['HYP', HYP, 0, 'UNIMPLEMENTED'],
  ];
  for (const [name, caller, vmid, want] of cases) {
    const alloc = new VmidAllocator();
    const before = alloc.state();
    const d = decideRequest(undefined, { kind: 'VM_ALLOCATE', caller, vmid }, alloc);
    assert.deepEqual(alloc.state(), before, `${name}: deciding takes nothing`);
    if (typeof want === 'string') {
      assert.deepEqual(d, { kind: 'refused', ok: false, rmError: RM_ERR[want as RefusalName] }, name);
      continue;
    }
    assert.ok(d.ok, name);
    assert.deepEqual(d.vm, { vmid: want.vmid, owner: HLOS, status: 5, osStatus: 0, appStatus: 0, attrs: { noShutdown: false, noReset: false, crashFatal: false }, hasCrashMsg: false }, name);
    assert.equal(d.replyVmid, want.replyVmid, name);
    assert.deepEqual(d.states, [5], name);
    assert.deepEqual(d.notifications, [], `${name}: RM sends no NOTIFY_VM_STATUS for a new VM`);
    assert.deepEqual(d.effects, ['claim-vmid', 'create-vm'], name);
  }
});

test('VM_ALLOCATE: an exhausted pool or no allocator is NORESOURCE, still after the HLOS check', () => {
  const alloc = new VmidAllocator({ secondaryVmids: 0n });
  for (let i = 0; i < 63; i++) alloc.allocate(0);
  assert.deepEqual(decideRequest(undefined, { kind: 'VM_ALLOCATE', caller: HLOS, vmid: 0 }, alloc), { kind: 'refused', ok: false, rmError: 2 });
  assert.deepEqual(decideRequest(undefined, { kind: 'VM_ALLOCATE', caller: HLOS, vmid: 0 }), { kind: 'refused', ok: false, rmError: 2 });
  assert.deepEqual(decideRequest(undefined, { kind: 'VM_ALLOCATE', caller: 0x81, vmid: 0 }), { kind: 'refused', ok: false, rmError: 3 });
});

// ---------------------------------------------------------------------------------------------------------------
// Attributes, argument checks and failed work (§4.1, §6.1, §6.2).

const NO_ATTRS = { noShutdown: false, noReset: false, crashFatal: false };
const NO_SHUTDOWN = { ...NO_ATTRS, noShutdown: true };
const NO_RESET = { ...NO_ATTRS, noReset: true };
const CRASH_FATAL = { noShutdown: true, noReset: true, crashFatal: true };

interface Case {
  readonly name: string;
  readonly vm: LifecycleVm | undefined;
  readonly req: VmLifecycleRequest;
  readonly want: RefusalName | { readonly state: VmStatusName; readonly reply: number };
}

const CASES: readonly Case[] = [
  { name: 'STOP(force) a no-shutdown VM', vm: vmIn('RUNNING', HLOS, { attrs: NO_SHUTDOWN }), req: REQUESTS.STOP_FORCE(HLOS), want: 'VM_STATE' },
  { name: 'STOP a no-shutdown VM', vm: vmIn('RUNNING', HLOS, { attrs: NO_SHUTDOWN }), req: REQUESTS.STOP(HLOS), want: 'VM_STATE' },
  { name: 'STOP(force) a crash-fatal VM', vm: vmIn('PAUSED', HLOS, { attrs: CRASH_FATAL }), req: REQUESTS.STOP_FORCE(HLOS), want: 'VM_STATE' },
  { name: 'STOP a no-reset VM', vm: vmIn('RUNNING', HLOS, { attrs: NO_RESET }), req: REQUESTS.STOP_FORCE(HLOS), want: { state: 'EXITED', reply: 0 } },
  { name: 'RESET a no-reset VM (EXITED)', vm: vmIn('EXITED', HLOS, { attrs: NO_RESET }), req: REQUESTS.RESET(HLOS), want: 'DENIED' },
  { name: 'RESET a no-reset VM (LOAD): DENIED comes before the state check', vm: vmIn('LOAD', HLOS, { attrs: NO_RESET }), req: REQUESTS.RESET(HLOS), want: 'DENIED' },
  { name: 'RESET a no-reset VM by a non-owner: VMID_INVALID first', vm: vmIn('EXITED', HLOS, { attrs: NO_RESET }), req: REQUESTS.RESET(0x81), want: 'VMID_INVALID' },
  { name: 'RESET a no-shutdown READY VM', vm: vmIn('READY', HLOS, { attrs: NO_SHUTDOWN }), req: REQUESTS.RESET(HLOS), want: { state: 'RESETTING', reply: 0 } },
  { name: 'EXIT from a crash-fatal VM', vm: vmIn('RUNNING', HLOS, { attrs: CRASH_FATAL }), req: REQUESTS.EXIT(TARGET), want: 'ARGUMENT_INVALID' },
  { name: 'EXIT from a crash-fatal VM, bad exit code: ARGUMENT_INVALID first', vm: vmIn('RUNNING', HLOS, { attrs: CRASH_FATAL }), req: { kind: 'VM_EXIT', caller: TARGET, exitFlags: 0, exitCode: 2 }, want: 'ARGUMENT_INVALID' },
  { name: 'EXIT from a no-shutdown VM: a VM may stop itself', vm: vmIn('RUNNING', HLOS, { attrs: NO_SHUTDOWN }), req: REQUESTS.EXIT(TARGET), want: { state: 'EXITED', reply: 0 } },
  { name: 'EXIT with exit_code 2 (UNKNOWN_ERROR)', vm: vmIn('RUNNING', HLOS), req: { kind: 'VM_EXIT', caller: TARGET, exitFlags: 0, exitCode: 2 }, want: 'MSG_INVALID' },
  { name: 'EXIT with exit_code 5', vm: vmIn('RUNNING', HLOS), req: { kind: 'VM_EXIT', caller: TARGET, exitFlags: 0, exitCode: 5 }, want: 'MSG_INVALID' },
  { name: 'EXIT with res0 != 0', vm: vmIn('RUNNING', HLOS), req: { kind: 'VM_EXIT', caller: TARGET, exitFlags: 0, exitCode: 0, res0: 1 }, want: 'MSG_INVALID' },
  { name: 'EXIT with exit_code 4 (DEVICE_ERROR)', vm: vmIn('PAUSED', HLOS), req: { kind: 'VM_EXIT', caller: TARGET, exitFlags: 1, exitCode: 4 }, want: { state: 'EXITED', reply: 0 } },
  { name: 'INIT with res0 != 0', vm: vmIn('INIT', HLOS), req: { kind: 'VM_INIT', caller: HLOS, res0: 1 }, want: 'MSG_INVALID' },
  { name: 'INIT with res0 != 0 from a VM: DENIED first', vm: vmIn('INIT', HLOS), req: { kind: 'VM_INIT', caller: 0x81, res0: 1 }, want: 'DENIED' },
  { name: 'INIT with res0 != 0 on a missing VM: MSG_INVALID first', vm: undefined, req: { kind: 'VM_INIT', caller: HLOS, res0: 1 }, want: 'MSG_INVALID' },
  { name: 'INIT whose DT does not parse', vm: vmIn('INIT', HLOS), req: { kind: 'VM_INIT', caller: HLOS, outcome: 0xa }, want: { state: 'INIT_FAILED', reply: 0xa } },
  { name: 'INIT whose vdevices cannot be made', vm: vmIn('INIT', HLOS), req: { kind: 'VM_INIT', caller: HLOS, outcome: 2 }, want: { state: 'INIT_FAILED', reply: 2 } },
  { name: 'CONFIG_IMAGE with auth_mech 3', vm: vmIn('LOAD', HLOS), req: { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 3 }, want: { state: 'INIT_FAILED', reply: 6 } },
  { name: 'CONFIG_IMAGE whose parcel ACL lacks the VM', vm: vmIn('RESET', HLOS), req: { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 0, outcome: 0xa }, want: { state: 'INIT_FAILED', reply: 0xa } },
  { name: 'CONFIG_IMAGE with ranges outside the parcel', vm: vmIn('LOAD', HLOS), req: { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 1, outcome: 6 }, want: { state: 'INIT_FAILED', reply: 6 } },
  { name: 'CONFIG_IMAGE bad auth in the wrong state: VM_STATE first', vm: vmIn('READY', HLOS), req: { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech: 3 }, want: 'VM_STATE' },
  { name: 'AUTH_IMAGE that fails platform auth', vm: vmIn('AUTH', HLOS), req: { kind: 'VM_AUTH_IMAGE', caller: HLOS, outcome: 8 }, want: { state: 'INIT_FAILED', reply: 8 } },
  { name: 'AUTH_IMAGE for a non-PLATFORM image', vm: vmIn('AUTH', HLOS, { authType: 2 }), req: REQUESTS.AUTH_IMAGE(HLOS), want: { state: 'INIT_FAILED', reply: 6 } },
  { name: 'START whose resources cannot be processed', vm: vmIn('READY', HLOS), req: { kind: 'VM_START', caller: HLOS, outcome: 2 }, want: { state: 'INIT_FAILED', reply: 2 } },
  { name: 'START that fails in the wrong state: VM_STATE, not the work error', vm: vmIn('INIT', HLOS), req: { kind: 'VM_START', caller: HLOS, outcome: 2 }, want: 'VM_STATE' },
];

for (const c of CASES) {
  test(`case: ${c.name}`, () => {
    const d = decideRequest(c.vm, c.req);
    if (typeof c.want === 'string') {
      assert.deepEqual(d, { kind: 'refused', ok: false, rmError: RM_ERR[c.want] });
      return;
    }
    assert.ok(d.ok, JSON.stringify(d));
    const to = STATUS_NUMBER[c.want.state];
    assert.equal(d.reply, c.want.reply);
    assert.equal(d.vm?.status, to);
    assert.deepEqual(d.states, [to]);
    assert.deepEqual(d.notifications[0], statusNote(TARGET, to));
  });
}

test('EXIT clears no-shutdown; its NOTIFY_VM_EXITED carries the flags and code', () => {
  const d = decideRequest(vmIn('RUNNING', HLOS, { attrs: NO_SHUTDOWN }), { kind: 'VM_EXIT', caller: TARGET, exitFlags: 0x8001, exitCode: 3 });
  assert.ok(d.ok);
  assert.deepEqual(d.vm?.attrs, NO_ATTRS);
  assert.deepEqual(d.notifications[1], { kind: 'NOTIFY_VM_EXITED', msgId: 0x56100001, to: HLOS, vmid: TARGET, exitType: 0, exitFlags: 0x8001, exitCode: 3, exitReason: [0x0003_8001] });
  assert.deepEqual(d.effects, ['kill-vcpus']);
});

test('RESET kills vCPUs unless the VM already exited, and starts the stages at INIT', () => {
  const fromReady = decideRequest(vmIn('READY', HLOS), REQUESTS.RESET(HLOS));
  const fromExited = decideRequest(vmIn('EXITED', HLOS), REQUESTS.RESET(HLOS));
  assert.ok(fromReady.ok && fromExited.ok);
  assert.deepEqual(fromReady.effects, ['kill-vcpus', 'begin-reset']);
  assert.deepEqual(fromExited.effects, ['begin-reset']);
  assert.equal(fromExited.vm?.resetStage, 'INIT');
});

test('INIT takes the vm-attrs of the parsed config; crash-fatal implies no-shutdown and no-reset', () => {
  const d = decideRequest(vmIn('INIT', HLOS), { kind: 'VM_INIT', caller: HLOS, attrs: { crashFatal: true } });
  assert.ok(d.ok);
  assert.deepEqual(d.vm?.attrs, CRASH_FATAL);
  assert.equal(d.vm?.status, 2);
});

test('CONFIG_IMAGE records the auth type it was given', () => {
  const { authType: _none, ...load } = vmIn('LOAD', HLOS);
  for (const [authMech, status] of [[0, 1], [1, 6], [2, 1]] as const) {
    const d = decideRequest(load, { kind: 'VM_CONFIG_IMAGE', caller: HLOS, authMech });
    assert.ok(d.ok);
    assert.equal(d.vm?.authType, authMech);
    assert.equal(d.vm?.status, status);
  }
});

test('a refused request changes nothing: the VM record is untouched and nothing is sent', () => {
  const vm = vmIn('RUNNING', HLOS);
  const copy = structuredClone(vm);
  for (const key of Object.keys(REQUESTS) as RequestKey[]) {
    for (const rel of Object.keys(RELATIONS) as Relation[]) {
      const d = decideRequest(vm, REQUESTS[key](RELATIONS[rel].caller));
      if (d.ok) continue;
      assert.deepEqual(Object.keys(d).sort(), ['kind', 'ok', 'rmError'], `${key} by ${rel}: a refusal carries no state, notification or effect`);
    }
  }
  assert.deepEqual(vm, copy);
  assert.ok(Object.isFrozen(vm));
});
