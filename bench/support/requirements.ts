// Why a bench cannot run on this machine (no /dev/kvm, no gcc, no QEMU, micro-guests not built), so it
// can skip with a printed reason instead of failing. Builds missing micro-guests when gcc is there.

import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { kvmSkipReason, guestElf } from '../../test/support/bothy-process.js';
import { assertNever } from '../../src/binary/assert-never.js';

export const QEMU = 'qemu-system-x86_64';

export type Requirement = 'kvm' | 'gcc' | 'qemu';

export function hasTool(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function unmet(r: Requirement): string | undefined {
  switch (r) {
    case 'kvm': {
      const absent = kvmSkipReason();
      if (absent) return absent;
      try {
        accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
        return undefined;
      } catch {
        return '/dev/kvm is not readable and writable by this user (add it to the kvm group)';
      }
    }
    case 'gcc':
      return hasTool('gcc') ? undefined : 'gcc is not installed (it builds the C baseline and the micro-guests)';
    case 'qemu':
      return hasTool(QEMU) ? undefined : `${QEMU} is not installed: run 'bash scripts/install-deps.sh --bench'`;
    default:
      return assertNever(r, 'requirement');
  }
}

/** The first unmet requirement, or a missing guest that could not be built; undefined when all is there. */
export async function skipReason(needs: readonly Requirement[], guests: readonly string[]): Promise<string | undefined> {
  for (const r of needs) {
    const why = unmet(r);
    if (why) return why;
  }
  const missing = guests.filter((g) => !existsSync(guestElf(g)));
  if (missing.length === 0) return undefined;
  if (unmet('gcc')) return `micro-guests not built (${missing.join(', ')}) and gcc is missing to build them`;
  try {
    const { buildGuests } = await import('../../guests/build.js');
    await buildGuests({ log: () => {} });
  } catch (e) {
    return `micro-guests not built (${missing.join(', ')}): the build failed: ${(e as Error).message}`;
  }
  const still = guests.filter((g) => !existsSync(guestElf(g)));
  return still.length ? `micro-guests not built (${still.join(', ')}) after 'node dist/guests/build.js'` : undefined;
}
