// The control API on a Unix socket, readable and writable by its owner only (mode 0600): whoever can
// connect can pause, snapshot and inspect the VM, so the socket's file mode is the access control.

import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { buildApi } from './build-api.js';
import type { Perform } from './routes.js';
import { ApiServerError } from './api-server-error.js';

export { buildApi, type ApiApp, type BuildApiOptions } from './build-api.js';

export interface ApiServerOptions {
  readonly socketPath: string;
  readonly perform: Perform;
  readonly log?: (line: string) => void;
}

export interface ApiServer {
  /** The absolute path the server listens on. */
  readonly socketPath: string;
  /** Stops accepting requests, waits for those in flight, and removes the socket file. */
  close(): Promise<void>;
}

/** sun_path is 108 bytes on Linux, including the terminating NUL. */
const SUN_PATH_MAX = 107;

/** True when something accepts connections on the socket at `path`; false when it is a leftover. */
function socketIsLive(path: string): Promise<boolean> {
  return new Promise((done, fail) => {
    const s = connect({ path });
    s.once('connect', () => {
      s.destroy();
      done(true);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      s.destroy();
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') done(false);
      else fail(new ApiServerError('path-taken', `Cannot tell whether ${path} is in use (${e.code ?? e.message}); remove it or choose another --api-sock path`, { cause: e }));
    });
  });
}

/** Makes `path` free to bind: nothing there, or a stale socket nobody listens on (which is removed). */
async function claimSocketPath(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ApiServerError('path-taken', `Cannot use ${path} for the API socket: ${(e as Error).message}`, { cause: e });
  }
  if (!isSocket) throw new ApiServerError('path-taken', `Cannot listen on ${path}: it exists and is not a socket; remove it or choose another --api-sock path`);
  if (await socketIsLive(path)) {
    throw new ApiServerError('socket-in-use', `Cannot listen on ${path}: another process is listening there (another bothy?); stop it or choose another --api-sock path`);
  }
  unlinkSync(path);
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const socketPath = resolve(opts.socketPath);
  if (Buffer.byteLength(socketPath) > SUN_PATH_MAX) {
    throw new ApiServerError('path-too-long', `The API socket path ${socketPath} is ${Buffer.byteLength(socketPath)} bytes; Unix sockets allow at most ${SUN_PATH_MAX}: choose a shorter --api-sock path`);
  }
  await claimSocketPath(socketPath);
  const app = buildApi(opts.perform, opts.log !== undefined ? { log: opts.log } : {});
  try {
    await app.listen({ path: socketPath });
    // Between bind and chmod the socket has the umask's mode; connecting needs write permission,
    // which the usual umasks (022, 077) already deny to others.
    chmodSync(socketPath, 0o600);
  } catch (e) {
    await app.close();
    throw new ApiServerError('listen-failed', `Cannot listen on ${socketPath}: ${(e as Error).message}`, { cause: e });
  }
  opts.log?.(`api: listening on ${socketPath}`);
  return {
    socketPath,
    async close() {
      // Closing the server unlinks the socket file (libuv removes the path it bound).
      await app.close();
    },
  };
}
