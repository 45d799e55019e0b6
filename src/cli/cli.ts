// bothy's command line: argv → a command → the layer below; every error is one line and an exit code.

import { Command, CommanderError } from 'commander';
import { addVmOptions } from './vm-options.js';
import { runCommand, type RunOptions } from './run.js';
import { dumpFirmwareCommand } from './dump-firmware.js';
import { addCtlCommand } from './ctl.js';
import { addDaemonCommand } from './daemon.js';
import { restoreCommand, cloneCommand, type RestoreOptions } from './restore.js';
import { SnapshotError } from '../snapshot/snapshot-error.js';
import { addSuperviseOptions } from './supervise.js';
import { addApiSockOption } from './serve-api.js';
import { ApiServerError } from '../api/api-server-error.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import { KvmError } from '../kvm/kvm-error.js';
import { LoaderError } from '../arch/x86_64/kernel-image.js';
import { VmConfigError } from '../vm/vm-config.js';
import { FwRegError } from '../hypercalls/fw-reg-error.js';
import { addHypercallOptions, addMaskHypercallsOption } from './hypercall-options.js';

function exitCodeForError(e: unknown): number {
  if (e instanceof CliError) return e.exitCode;
  if (e instanceof KvmError && e.op.startsWith('open ')) return EXIT.UNAVAILABLE;
  if (e instanceof LoaderError) return EXIT.BAD_INPUT;
  if (e instanceof SnapshotError) return e.code === 'missing' ? EXIT.NO_INPUT : EXIT.BAD_INPUT;
  if (e instanceof ApiServerError) return EXIT.USAGE;
  // Hypercall options are checked before the VM is built; one that still reaches KVM's rules is bad input too.
  if (e instanceof VmConfigError || e instanceof RangeError || e instanceof FwRegError) return EXIT.USAGE;
  return EXIT.FAILURE;
}

export async function main(argv: string[]): Promise<number> {
  let code = EXIT.OK as number;
  const program = new Command()
    .name('bothy')
    .description('A KVM hypervisor stack in TypeScript: boot micro-guests and Linux kernels.')
    .exitOverride()
    .showHelpAfterError();

  addVmOptions(
    program
      .command('run')
      .description('Boot a VM with its console (COM1) on stdin/stdout. With no --kernel, boots the demo guest.\n' +
        'Exit code: 0 when the guest powers off or resets, the guest\'s own code when it reports one on\n' +
        `the test port, ${EXIT.VM_CRASHED} when the VM crashes, ${EXIT.TIMEOUT} on --timeout, ${EXIT.SIGNAL} on Ctrl-C, ` +
        `${EXIT.USAGE} for bad options, ${EXIT.BAD_INPUT} for a malformed kernel, ${EXIT.NO_INPUT} for a missing file, ` +
        `${EXIT.UNAVAILABLE} when /dev/kvm is unusable.`),
  );
  addApiSockOption(addSuperviseOptions(addHypercallOptions(program.commands.at(-1)!)))
    .action(async (o: RunOptions) => {
      code = await runCommand(o);
    });

  addApiSockOption(addMaskHypercallsOption(addSuperviseOptions(program
    .command('restore')
    .description('Start a VM from a snapshot directory (written by `bothy ctl … snapshot DIR`), console on stdio.\n' +
      'The restored VM gets a new VM Generation ID, written and signalled before it runs.')
    .argument('<dir>', 'snapshot directory')
    .option('--vmgenid <id>', 'the restored VM\'s new generation ID: auto (random) or a UUID', 'auto'))))
    .action(async (dir: string, o: RestoreOptions) => {
      code = await restoreCommand(dir, o);
    });

  addMaskHypercallsOption(addSuperviseOptions(program
    .command('clone')
    .description('Start N VMs from one snapshot in this process; they share its memory copy-on-write and each\n' +
      'gets its own new VM Generation ID. Each console line is prefixed with [clone K]. Exits when every clone has ended.')
    .argument('<dir>', 'snapshot directory')
    .requiredOption('--count <n>', 'how many clones')))
    .action(async (dir: string, o: Omit<RestoreOptions, 'vmgenid' | 'apiSock'> & { count: string }) => {
      code = await cloneCommand(dir, o);
    });

  addVmOptions(
    program
      .command('dump-firmware')
      .description('Write the firmware tables bothy generates for a VM (one .dat per ACPI table) to a directory.'),
  )
    .requiredOption('--out <dir>', 'directory to write the tables to (created if missing)')
    .action((o: Parameters<typeof dumpFirmwareCommand>[0]) => {
      code = dumpFirmwareCommand(o);
    });

  addCtlCommand(program, (c) => {
    code = c;
  });

  addDaemonCommand(program, (c) => {
    code = c;
  });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    process.stderr.write(`bothy: ${(e as Error).message}\n`);
    return exitCodeForError(e);
  }
}

