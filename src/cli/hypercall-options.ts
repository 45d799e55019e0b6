// `--fw-reg`, `--hypercalls`, `--vendor-uid` and `--mask-hypercalls`: the hypervisor services a VM offers, as
// KVM_SET_ONE_REG writes of the firmware pseudo-registers and a supported mask (reference §2.2, §2.4).
// Every write is tried on scratch registers first, so bad input is a usage error before anything starts.

import type { Command } from 'commander';
import {
  FirmwareRegisters, KVM_FW_BITMAP_MASKS, FW_BITMAP_REG_ID, type FwBitmapName,
} from '../hypercalls/firmware-registers.js';
import { FwRegError } from '../hypercalls/fw-reg-error.js';
import { HypercallError } from '../hypercalls/hypercall-error.js';
import { HYPERCALL_FEATURES, applyHypercallToggles, parseHypercallToggles } from '../hypercalls/services.js';
import { VENDOR_HYP_UID_REGS, type VendorHypUid } from '../hypercalls/vendor-hyp.js';
import type { HypercallOptions } from '../vm/hypercall-state.js';
import { ActionError, parseFwReg, parseFwRegValue } from '../vm/actions.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';

export interface HypercallCliOptions {
  /** `--fw-reg ID=VALUE`, each occurrence. */
  fwReg?: string[];
  /** `--hypercalls LIST`, each occurrence (they run on in order). */
  hypercalls?: string[];
  vendorUid?: string;
  /** `--mask-hypercalls LIST`, each occurrence. */
  maskHypercalls?: string[];
}

export type FwRegWrite = NonNullable<HypercallOptions['fwRegs']>[number];

const FEATURE_NAMES = Object.keys(HYPERCALL_FEATURES).join(', ');
const VENDOR_UIDS = Object.keys(VENDOR_HYP_UID_REGS) as VendorHypUid[];

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** `--mask-hypercalls`, which `run`, `restore` and `clone` take. */
export function addMaskHypercallsOption(cmd: Command): Command {
  return cmd.option('--mask-hypercalls <list>',
    `act as a bothy without these hypercall services (comma list of ${FEATURE_NAMES}); ` +
    'a snapshot whose guest was shown one of them is refused', collect);
}

/** Every hypercall option of `bothy run`. */
export function addHypercallOptions(cmd: Command): Command {
  return addMaskHypercallsOption(cmd
    .option('--fw-reg <id=value>',
      'write a firmware pseudo-register before the VM runs (KVM_SET_ONE_REG), e.g. psci-version=0x10001 or ' +
      '0x6030000000160000=0; repeatable, applied in order', collect)
    .option('--hypercalls <list>',
      `switch hypercall services on or off from KVM's defaults, e.g. trng=off,pv-time=on (names: ${FEATURE_NAMES}); ` +
      'applied after --fw-reg', collect)
    .option('--vendor-uid <uid>', `which hypervisor the vendor Call UID names: ${VENDOR_UIDS.join(' or ')}`));
}

/** The services this bothy pretends to offer: KVM's full masks without the named ones. Undefined when none are masked. */
export function supportedFrom(lists: readonly string[] | undefined): Partial<Record<FwBitmapName, bigint>> | undefined {
  if (lists === undefined) return undefined;
  const supported: Partial<Record<FwBitmapName, bigint>> = {};
  for (const part of lists.flatMap((l) => l.split(','))) {
    const name = part.trim().toLowerCase();
    if (name === '') continue;
    const f = Object.hasOwn(HYPERCALL_FEATURES, name) ? HYPERCALL_FEATURES[name] : undefined;
    if (f === undefined) throw new CliError(EXIT.USAGE, `--mask-hypercalls: '${part.trim()}' does not name a hypercall service; valid names: ${FEATURE_NAMES}`);
    supported[f.bitmap] = (supported[f.bitmap] ?? KVM_FW_BITMAP_MASKS[f.bitmap]) & ~(1n << BigInt(f.bit));
  }
  return Object.keys(supported).length > 0 ? supported : undefined;
}

/** `ID=VALUE`, where ID is a register name or 0x-hex id and VALUE a decimal or 0x-hex u64. */
export function parseFwRegAssignment(text: string): FwRegWrite {
  const eq = text.indexOf('=');
  if (eq < 0) throw new CliError(EXIT.USAGE, `--fw-reg '${text}': write ID=VALUE, e.g. psci-version=0x10001 or std-bmap=0`);
  try {
    return { id: parseFwReg(text.slice(0, eq)), value: parseFwRegValue(text.slice(eq + 1)) };
  } catch (e) {
    if (e instanceof ActionError) throw new CliError(EXIT.USAGE, `--fw-reg '${text}': ${e.message}`);
    throw e;
  }
}

function kvmRefusal(what: string, e: unknown): never {
  if (e instanceof FwRegError) throw new CliError(EXIT.USAGE, `${what}: ${e.code}: ${e.message}`);
  throw e;
}

/**
 * VmConfig.hypercalls for `bothy run`, or undefined when no option was given. `--fw-reg` writes come first,
 * then each bitmap a `--hypercalls` toggle touched is written once with its final value.
 */
export function hypercallOptionsFrom(o: HypercallCliOptions): HypercallOptions | undefined {
  const supported = supportedFrom(o.maskHypercalls);
  let vendorUid: VendorHypUid | undefined;
  if (o.vendorUid !== undefined) {
    vendorUid = VENDOR_UIDS.find((u) => u === o.vendorUid);
    if (vendorUid === undefined) throw new CliError(EXIT.USAGE, `--vendor-uid: '${o.vendorUid}' is not one of ${VENDOR_UIDS.join(', ')}`);
  }
  const writes = (o.fwReg ?? []).map((text) => ({ text, ...parseFwRegAssignment(text) }));
  let toggles;
  try {
    toggles = (o.hypercalls ?? []).flatMap((text) => parseHypercallToggles(text));
  } catch (e) {
    if (e instanceof HypercallError) throw new CliError(EXIT.USAGE, e.message);
    throw e;
  }

  // The same SET path the VM builder takes, on registers that have not run: what passes here passes there.
  let scratch: FirmwareRegisters;
  try {
    scratch = new FirmwareRegisters(supported !== undefined ? { supported } : {});
  } catch (e) {
    return kvmRefusal('--mask-hypercalls', e);
  }
  for (const w of writes) {
    try {
      scratch.set(w.id, w.value);
    } catch (e) {
      kvmRefusal(`--fw-reg '${w.text}'`, e);
    }
  }
  try {
    applyHypercallToggles(scratch, toggles);
  } catch (e) {
    const why = supported !== undefined ? ' (a service --mask-hypercalls hides cannot be switched on)' : '';
    kvmRefusal(`--hypercalls${why}`, e);
  }
  const touched = [...new Set(toggles.map((t) => t.bitmap))];
  const fwRegs: FwRegWrite[] = [
    ...writes.map(({ id, value }) => ({ id, value })),
    ...touched.map((b) => ({ id: FW_BITMAP_REG_ID[b], value: scratch.bitmap(b) })),
  ];

  if (supported === undefined && fwRegs.length === 0 && vendorUid === undefined) return undefined;
  return {
    ...(supported !== undefined ? { supported } : {}),
    ...(fwRegs.length > 0 ? { fwRegs } : {}),
    ...(vendorUid !== undefined ? { vendorUid } : {}),
  };
}
