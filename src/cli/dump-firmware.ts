// `bothy dump-firmware`: write the ACPI tables a VM with these options would get, one file per table.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmOptions } from './vm-options.js';
import { vmShapeFrom } from './vm-options.js';
import { firmwareTables } from '../vm/firmware.js';
import { platformPlacement } from '../vm/builder.js';

export function dumpFirmwareCommand(o: VmOptions & { out: string }): number {
  const cfg = vmShapeFrom(o);
  mkdirSync(o.out, { recursive: true });
  for (const t of firmwareTables({ vcpus: cfg.vcpus, ...platformPlacement() })) {
    writeFileSync(join(o.out, t.file), t.bytes);
    process.stdout.write(`${join(o.out, t.file)} (${t.bytes.length} bytes)\n`);
  }
  return 0;
}
