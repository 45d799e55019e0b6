// What a front end (HTTP API, CLI) may ask of a running VM, as data. The API and CLI build Actions and
// call perform(); they never reach into the VM (the split Firecracker makes between API server and VMM).

import { CodedError } from '../binary/coded-error.js';
import { assertNever } from '../binary/assert-never.js';
import type { Vm } from './vm.js';
import { SnapshotError } from '../snapshot/snapshot-error.js';

export type Action =
  | { readonly kind: 'status' }
  | { readonly kind: 'pause' }
  | { readonly kind: 'resume' }
  | { readonly kind: 'snapshot'; readonly dir: string }
  | { readonly kind: 'vmgenid' };

export interface VmStatus {
  readonly state: 'running' | 'paused' | 'stopped';
  readonly vcpus: number;
  readonly memSize: number;
  readonly kernel: string;
  readonly cmdline: string;
}

export type ActionResult =
  | { readonly kind: 'status'; readonly status: VmStatus }
  | { readonly kind: 'done' }
  | { readonly kind: 'vmgenid'; readonly uuid: string };

export type ActionErrorCode = 'bad-state' | 'not-found' | 'bad-request' | 'snapshot-failed' | 'snapshot-exists' | 'no-space';

export class ActionError extends CodedError<ActionErrorCode> {
  override readonly name = 'ActionError';
}

/** How the caller wants to hear about long actions (snapshot memory progress). */
export interface PerformHooks {
  readonly progress?: (done: number, total: number) => void;
}

export async function perform(vm: Vm, action: Action, hooks: PerformHooks = {}): Promise<ActionResult> {
  switch (action.kind) {
    case 'status':
      return { kind: 'status', status: vm.status() };
    case 'pause':
      if (vm.state === 'stopped') throw new ActionError('bad-state', 'The VM has stopped; there is nothing to pause');
      await vm.pause();
      return { kind: 'done' };
    case 'resume':
      if (vm.state === 'stopped') throw new ActionError('bad-state', 'The VM has stopped; it cannot be resumed');
      vm.resume();
      return { kind: 'done' };
    case 'snapshot': {
      if (typeof action.dir !== 'string' || action.dir === '') throw new ActionError('bad-request', 'snapshot needs a directory');
      if (vm.state === 'stopped') throw new ActionError('bad-state', 'The VM has stopped; snapshot a running or paused VM');
      try {
        await vm.snapshot(action.dir, hooks.progress);
      } catch (e) {
        if (e instanceof SnapshotError) {
          const code = e.code === 'exists' ? 'snapshot-exists' : e.code === 'no-space' ? 'no-space' : 'snapshot-failed';
          throw new ActionError(code, e.message, { cause: e });
        }
        throw e;
      }
      return { kind: 'done' };
    }
    case 'vmgenid': {
      const uuid = vm.vmgenid();
      if (uuid === undefined) throw new ActionError('not-found', 'This VM has no VM Generation ID device');
      return { kind: 'vmgenid', uuid };
    }
    default:
      return assertNever(action, 'action');
  }
}
