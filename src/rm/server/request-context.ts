// What a request handler of the RM server sees (gunyah.md §3.2 "RM, sending", §4): the calling VM, the VM table,
// and the two ways to answer, in RM's order: notifications a state change sends, then the one reply.

import type { LifecycleNotification } from '../vm-lifecycle/lifecycle-notifications.js';
import type { VmTable } from './vm-table.js';

export interface RequestContext {
  /** RM's client_id: the VMID the link speaks for. */
  readonly caller: number;
  readonly table: VmTable;
  /** Sends the reply payload (error code first); a second call is dropped. `detail` says why a refusal happened. */
  reply(payload: Uint8Array, detail?: string): void;
  /** Sends a notification now to the links RM would address it to. */
  notify(n: LifecycleNotification): void;
}
