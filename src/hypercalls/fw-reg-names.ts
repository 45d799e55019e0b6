// How users name firmware pseudo-registers and write their values on the CLI and the API: KVM's register
// names, short forms of them, or raw 0x-hex ids (KVM_REG_ARM_FW_REG / KVM_REG_ARM_FW_FEAT_BMAP_REG).

import { FirmwareRegisters } from './firmware-registers.js';
import { FwRegError } from './fw-reg-error.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Names and ids come from the register table itself, so a new register is addressable without edits here. */
const NAMES: readonly { readonly id: bigint; readonly name: string; readonly short: string }[] = (() => {
  const regs = new FirmwareRegisters();
  return regs.list().map((id) => {
    const name = regs.nameOf(id) ?? `0x${id.toString(16)}`;
    return { id, name, short: shortName(name) };
  });
})();

/** KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1 → workaround-1; KVM_REG_ARM_STD_HYP_BMAP → std-hyp-bmap. */
function shortName(name: string): string {
  return name.replace(/^KVM_REG_ARM_/, '').replace(/^SMCCC_ARCH_/, '').toLowerCase().replaceAll('_', '-');
}

/** The short names every firmware register answers to, in KVM_GET_REG_LIST order. */
export const FW_REG_SHORT_NAMES: readonly string[] = NAMES.map((n) => n.short);

/**
 * A register as a user names it: KVM's name or its short form (any case, `-` or `_`), or a 0x-hex id.
 * A hex id is taken as given, so an id that is not a firmware register gets KVM's own ENOENT on access.
 * Throws FwRegError ENOENT for text that is neither.
 */
export function fwRegFromText(text: string): bigint {
  const t = text.trim();
  if (/^0x[0-9a-f]{1,16}$/i.test(t)) return BigInt(t);
  const key = shortName(t.toUpperCase().replaceAll('-', '_'));
  const hit = NAMES.find((n) => n.short === key);
  if (hit !== undefined) return hit.id;
  throw new FwRegError('ENOENT',
    `'${text}' is not a firmware register; name one of ${FW_REG_SHORT_NAMES.join(', ')} (or KVM's KVM_REG_ARM_… name), or give its 0x-hex id.`);
}

/** A u64 register value as a user writes it: decimal or 0x-hex. Throws FwRegError EINVAL. */
export function fwRegValueFromText(text: string): bigint {
  const t = text.trim();
  const v = /^(0x[0-9a-f]+|\d+)$/i.test(t) ? BigInt(t) : undefined;
  if (v === undefined || v > U64_MAX) {
    throw new FwRegError('EINVAL', `'${text}' is not a u64 register value; write it in decimal or 0x-hex (at most 0xffffffffffffffff).`);
  }
  return v;
}

