// RM's table of VMs (RM bf31a9a vm_mgnt.c `all_vms`, `vm_register_peers`, `is_vm_query_allowed`; gunyah.md §4 intro,
// §4.1, §6.1): each VM's lifecycle record, GUID, peers, crash message and whether it has a vm_config, plus HLOS itself.

import { randomBytes } from 'node:crypto';
import { newLifecycleVm, vmAttrs, type LifecycleVm } from '../vm-lifecycle/lifecycle-vm.js';
import { VmidAllocator } from '../vm-lifecycle/vmid-allocator.js';
import { VM_GUID_LEN, VM_MAX_CRASH_MSG_LEN, VM_STATUS, VMID_HLOS, VMID_RM, vmStatusName, type VmStatusName } from '../vm-constants.js';
import { RmServerError } from './rm-server-error.js';

export interface VmTableOptions {
  /** 16 random bytes per call; default an RFC 4122 version-4 GUID from node:crypto. */
  readonly randomGuid?: () => Uint8Array;
  /** Told of every VM created, deleted, or moved to another status. */
  readonly onChange?: (change: VmTableChange) => void;
}

export type VmTableChange =
  | { readonly kind: 'created'; readonly vm: LifecycleVm }
  | { readonly kind: 'status'; readonly vm: LifecycleVm; readonly from: VmStatusName }
  | { readonly kind: 'deleted'; readonly vmid: number };

/** One VM as the server's handlers read it. */
export interface VmRecord {
  readonly vm: LifecycleVm;
  readonly guid: Uint8Array;
  /** In registration order, as RM's peer vector (VM_GET_PEERS answers in this order). */
  readonly peers: readonly number[];
  readonly crashMsg: Uint8Array;
  /** RM's `vm->vm_config` exists: made by a successful VM_CONFIG_IMAGE, gone when a reset completes. */
  readonly configured: boolean;
}

interface Entry {
  vm: LifecycleVm;
  guid: Uint8Array;
  readonly peers: Set<number>;
  crashMsg: Uint8Array;
  configured: boolean;
}

export function randomGuidV4(): Uint8Array {
  const g = new Uint8Array(randomBytes(VM_GUID_LEN));
  // RFC 4122 §4.4: version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
  g[6] = (g[6]! & 0x0f) | 0x40;
  g[8] = (g[8]! & 0x3f) | 0x80;
  return g;
}

/**
 * HLOS as RM creates it at boot (`vm_mgnt_init`, `hlos_vm_create`): owned by RM, RUNNING, with a vm_config. Its
 * vCPUs are critical, so bothy treats it as crash-fatal: a host client cannot VM_EXIT it (ARGUMENT_INVALID).
 */
function hlosVm(): LifecycleVm {
  return Object.freeze({ ...newLifecycleVm(VMID_HLOS, VMID_RM), status: VM_STATUS.RUNNING, attrs: vmAttrs({ crashFatal: true }) });
}

export class VmTable {
  readonly vmids: VmidAllocator;
  readonly #entries = new Map<number, Entry>();
  readonly #randomGuid: () => Uint8Array;
  readonly #onChange: (change: VmTableChange) => void;

  constructor(options: VmTableOptions = {}) {
    this.vmids = new VmidAllocator();
    this.#randomGuid = options.randomGuid ?? randomGuidV4;
    this.#onChange = options.onChange ?? (() => {});
    this.#entries.set(VMID_HLOS, { vm: hlosVm(), guid: this.#newGuid(), peers: new Set(), crashMsg: new Uint8Array(0), configured: true });
  }

  /** Any VM RM knows, HLOS included. */
  get(vmid: number): LifecycleVm | undefined {
    return this.#entries.get(vmid)?.vm;
  }

  record(vmid: number): VmRecord | undefined {
    const e = this.#entries.get(vmid);
    if (e === undefined) return undefined;
    return { vm: e.vm, guid: e.guid, peers: [...e.peers], crashMsg: e.crashMsg, configured: e.configured };
  }

  /** The VMs VM_ALLOCATE made (not HLOS), by vmid. */
  allocated(): LifecycleVm[] {
    return [...this.#entries.values()].map((e) => e.vm).filter((vm) => vm.vmid !== VMID_HLOS).sort((a, b) => a.vmid - b.vmid);
  }

  /** RM `vm_mgnt_new_vm`: a new record with a fresh GUID; the owner becomes a peer. */
  create(vm: LifecycleVm): void {
    if (this.#entries.has(vm.vmid)) throw new RmServerError('TABLE_INCONSISTENT', `VM ${hex(vm.vmid)} already exists; the allocator handed out a VMID in use`);
    this.#entries.set(vm.vmid, { vm, guid: this.#newGuid(), peers: new Set(), crashMsg: new Uint8Array(0), configured: false });
    if (this.#entries.has(vm.owner)) this.registerPeers(vm.vmid, vm.owner);
    this.#onChange({ kind: 'created', vm });
  }

  /** Replaces a VM's lifecycle record (a decision's `vm`). */
  update(vm: LifecycleVm): void {
    const e = this.#entry(vm.vmid);
    const from = e.vm.status;
    e.vm = vm;
    if (from !== vm.status) this.#onChange({ kind: 'status', vm, from: vmStatusName(from) ?? 'NO_STATE' });
  }

  /** RM `vm_mgnt_delete_vm`: the record goes and every peer forgets it. */
  delete(vmid: number): void {
    this.#entry(vmid);
    this.deregisterAllPeers(vmid);
    this.#entries.delete(vmid);
    this.#onChange({ kind: 'deleted', vmid });
  }

  /** RM `vm_register_peers`: both ways, once. */
  registerPeers(a: number, b: number): void {
    this.#entry(a).peers.add(b);
    this.#entry(b).peers.add(a);
  }

  /** RM `vm_deregister_all_peers`. */
  deregisterAllPeers(vmid: number): void {
    const e = this.#entry(vmid);
    for (const p of e.peers) this.#entries.get(p)?.peers.delete(vmid);
    e.peers.clear();
  }

  /** RM `is_vm_query_allowed`: the VM itself, its owner, or a peer. */
  isQueryAllowed(vm: LifecycleVm, caller: number): boolean {
    return caller === vm.vmid || caller === vm.owner || this.#entries.get(vm.vmid)?.peers.has(caller) === true;
  }

  /** RM `vm_is_secondary_vm`: a VMID of the platform's static secondary set (< 64), allocated or not. */
  isStaticSecondary(vmid: number): boolean {
    return Number.isInteger(vmid) && vmid > 0 && vmid < 64 && ((this.vmids.secondaryVmids >> BigInt(vmid)) & 1n) === 1n;
  }

  /** VM_SET_CRASH_MSG: kept up to VM_MAX_CRASH_MSG_LEN bytes (RM truncates, never refuses). */
  setCrashMsg(vmid: number, msg: Uint8Array): void {
    const e = this.#entry(vmid);
    e.crashMsg = msg.slice(0, VM_MAX_CRASH_MSG_LEN);
    if (!e.vm.hasCrashMsg) e.vm = Object.freeze({ ...e.vm, hasCrashMsg: true });
  }

  setConfigured(vmid: number, configured: boolean): void {
    this.#entry(vmid).configured = configured;
  }

  /**
   * What reset's CLEANUP_VM and DESTROY_VM stages leave: no vm_config, no crash message, and a new GUID (RM clears
   * it; bothy draws the next one now, so a reused VM has a fresh identity when it is next READY).
   */
  resetCleared(vmid: number): void {
    const e = this.#entry(vmid);
    e.configured = false;
    e.crashMsg = new Uint8Array(0);
    e.guid = this.#newGuid();
  }

  #entry(vmid: number): Entry {
    const e = this.#entries.get(vmid);
    if (e === undefined) throw new RmServerError('TABLE_INCONSISTENT', `No VM ${hex(vmid)} in the RM table`);
    return e;
  }

  #newGuid(): Uint8Array {
    const g = this.#randomGuid();
    if (!(g instanceof Uint8Array) || g.length !== VM_GUID_LEN) {
      throw new RmServerError('INVALID_GUID', `The GUID generator returned ${g instanceof Uint8Array ? `${g.length} bytes` : typeof g}; a VM GUID is ${VM_GUID_LEN} bytes`);
    }
    return g.slice();
  }
}

function hex(v: number): string {
  return `0x${v.toString(16)}`;
}
