// `--api-sock PATH`: serve the control API for one VM while it runs; the socket goes away with the VM.

import type { Command } from 'commander';
import type { Vm } from '../vm/vm.js';
import { perform } from '../vm/actions.js';
import { terminalProgress } from './progress.js';

export function addApiSockOption(cmd: Command): Command {
  return cmd.option('--api-sock <path>', 'serve the HTTP control API on this Unix socket (mode 0600) while the VM runs; drive it with `bothy ctl`');
}

/** Starts the API for `vm` when a socket path was given, and closes it once the VM has ended. */
export async function serveApi(vm: Vm, socketPath: string | undefined): Promise<void> {
  if (socketPath === undefined) return;
  let api;
  try {
    // Loaded only when asked for: the HTTP stack costs a plain `bothy run` ~0.4 s and ~16 MiB.
    const { startApiServer } = await import('../api/api-server.js');
    const progress = terminalProgress('bothy: snapshot memory');
    api = await startApiServer({ socketPath, perform: (a) => perform(vm, a, progress ? { progress } : {}), log: (line) => process.stderr.write(`bothy api: ${line}\n`) });
  } catch (e) {
    await vm.stop('user');
    throw e;
  }
  void vm.exited.then(() => api.close());
}
