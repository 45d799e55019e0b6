// `bothy daemon --dir DIR`: runs the Resource Manager and serves DIR/rm.sock (RM RPC) and DIR/api.sock
// (HTTP/JSON) until SIGINT or SIGTERM, then closes both sockets and exits 0.

import type { Command } from 'commander';
import { assertNever } from '../binary/assert-never.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';

export interface DaemonCommandOptions {
  readonly dir: string;
}

export function addDaemonCommand(program: Command, done: (code: number) => void): void {
  program
    .command('daemon')
    .description('Run the Resource Manager in the foreground and serve it inside DIR (created with mode 0700 if missing):\n' +
      'DIR/rm.sock, RM RPC over SOCK_SEQPACKET (one packet = one message-queue message of at most 240 bytes), and\n' +
      'DIR/api.sock, the HTTP/JSON API (GET /openapi.json; docs/daemon-openapi.json). Both sockets are mode 0600.\n' +
      'Prints one line when ready; Ctrl-C or SIGTERM stops it cleanly (exit 0). Exit code: ' +
      `${EXIT.USAGE} for a DIR that cannot be used, ${EXIT.BAD_INPUT} for a DIR that is not a private directory, ` +
      `${EXIT.FAILURE} when another daemon serves DIR.`)
    .requiredOption('--dir <dir>', 'the directory for rm.sock and api.sock (mode 0700, yours alone)')
    .action(async (o: DaemonCommandOptions) => {
      done(await daemonCommand(o));
    });
}

export async function daemonCommand(o: DaemonCommandOptions): Promise<number> {
  // The HTTP stack and the RM load only for this command, as for --api-sock.
  const { startDaemon } = await import('../daemon/daemon.js');
  const { DaemonError } = await import('../daemon/daemon-error.js');
  let daemon;
  try {
    daemon = await startDaemon({ dir: o.dir, log: (line) => process.stderr.write(`bothy daemon: ${line}\n`) });
  } catch (e) {
    if (!(e instanceof DaemonError)) throw e;
    switch (e.code) {
      case 'not-a-directory':
      case 'dir-not-private':
        throw new CliError(EXIT.BAD_INPUT, e.message);
      case 'dir-unusable':
      case 'path-too-long':
        throw new CliError(EXIT.USAGE, e.message);
      case 'already-running':
      case 'listen-failed':
        throw new CliError(EXIT.FAILURE, e.message);
      default:
        return assertNever(e.code, 'daemon error');
    }
  }
  process.stdout.write(`bothy daemon: serving ${daemon.dir} (rm.sock, api.sock)\n`);

  await new Promise<void>((stopped) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals): void => {
      signals++;
      if (signals === 1) {
        process.stderr.write(`bothy daemon: ${sig}: stopping\n`);
        stopped();
        return;
      }
      // A second signal while stopping: the user wants out now, sockets or not.
      process.stderr.write(`bothy daemon: ${sig} again: exiting without a clean stop\n`);
      process.exit(EXIT.SIGNAL);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await daemon.stop();
  return EXIT.OK;
}
