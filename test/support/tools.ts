// Whether a host tool the tests can use as an oracle (gcc, objdump, qemu, iasl) is installed.

import { execFileSync } from 'node:child_process';

export function hasTool(cmd: string, versionFlag = '--version'): boolean {
  try {
    execFileSync(cmd, [versionFlag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
