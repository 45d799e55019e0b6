// `bothy daemon`: one process that owns the Resource Manager and serves it inside a private directory —
// DIR/rm.sock, RM RPC over SOCK_SEQPACKET (one packet = one message-queue message, gunyah.md §3), and
// DIR/api.sock, the HTTP/JSON API (docs/daemon-openapi.json). A misbehaving client only loses its own link.

import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ResourceManager, type RmLink } from '../rm/server/resource-manager.js';
import type { RmServerEvent } from '../rm/server/rm-server-event.js';
import { RmTransportError } from '../rm/transport/rm-transport-error.js';
import type { SeqpacketConnection } from '../rm/transport/seqpacket-connection.js';
import { listenSeqpacket, type SeqpacketServer } from '../rm/transport/seqpacket-server.js';
import { claimSocketPath } from '../rm/transport/socket-path.js';
import { buildDaemonApi, type DaemonApiApp } from './build-daemon-api.js';
import type { DaemonStatus } from './daemon-api-schemas.js';
import { prepareDaemonDir, type DaemonPaths } from './daemon-dir.js';
import { DaemonError } from './daemon-error.js';
import { rateLimitedLog } from './rate-limited-log.js';

export const SOCKET_MODE = 0o600;

export interface DaemonOptions {
  /** The directory for rm.sock and api.sock: created with mode 0700 if missing, else it must be private. */
  readonly dir: string;
  /** Connections, client misbehaviour, API requests and failures, one line each (rate-limited); nothing when absent. */
  readonly log?: (line: string) => void;
}

export interface Daemon {
  readonly dir: string;
  readonly rmSocketPath: string;
  readonly apiSocketPath: string;
  /** RM RPC connections open on rm.sock now. */
  readonly clients: number;
  /** Closes both sockets (removing their files), every RM connection, and the Resource Manager. Idempotent. */
  stop(): Promise<void>;
}

function alreadyRunning(dir: string, which: string, cause: unknown): DaemonError {
  return new DaemonError('already-running', `Cannot start: another bothy daemon serves ${dir} (something answers on its ${which}); stop that daemon first, or choose another --dir`, { cause });
}

/** The transport's refusals of one of the daemon's sockets, in the daemon's words. */
function socketError(paths: DaemonPaths, which: 'rm.sock' | 'api.sock', e: unknown): Error {
  if (!(e instanceof RmTransportError)) return e as Error;
  switch (e.code) {
    case 'socket-in-use':
      return alreadyRunning(paths.dir, which, e);
    case 'listen-failed':
      // Two daemons started at once: the other bound the socket between our check and our bind.
      if (/in use/i.test(e.message)) return alreadyRunning(paths.dir, which, e);
      return new DaemonError('listen-failed', e.message, { cause: e });
    case 'path-taken':
    case 'path-too-long':
      return new DaemonError(e.code === 'path-taken' ? 'listen-failed' : 'path-too-long', e.message, { cause: e });
    default:
      return new DaemonError('listen-failed', `Cannot listen on ${join(paths.dir, which)}: ${e.message}`, { cause: e });
  }
}

/** Frees DIR/api.sock for binding (fastify's listen would not replace a stale socket file). */
async function claimApiSocket(paths: DaemonPaths): Promise<void> {
  try {
    await claimSocketPath(paths.apiSocket, 'the API socket');
  } catch (e) {
    throw socketError(paths, 'api.sock', e);
  }
}

/** A connection as the RM sees it: a reply to a client that has gone is dropped, never thrown into the RM. */
function rmLink(connection: SeqpacketConnection, log: (line: string) => void): RmLink {
  return {
    id: connection.id,
    onPacket: (cb) => connection.onPacket(cb),
    onClose: (cb) => connection.onClose(() => cb()),
    send: (bytes) => {
      if (connection.closed) return;
      try {
        connection.send(bytes);
      } catch (e) {
        log(`rm: client ${connection.id}: a reply could not be sent: ${(e as Error).message}`);
      }
    },
  };
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/**
 * One log line for what the RM reports. Every event says its kind and, where it has them, the client link and
 * a detail; an error the RM caught in its own code also gets its stack, since that is a bothy bug to fix.
 */
function describeEvent(e: RmServerEvent): string {
  const who = 'link' in e ? `client ${e.link}: ` : '';
  const fields = [e.kind, 'vmid' in e ? `vmid ${hex(e.vmid)}` : '', 'owner' in e ? `owner ${hex(e.owner)}` : '', 'caller' in e ? `caller vmid ${hex(e.caller)}` : ''];
  const what = 'detail' in e ? `${e.kind}: ${e.detail}` : fields.filter((f) => f !== '').join(' ');
  const err = 'error' in e && e.error instanceof Error && e.error.stack !== undefined ? `\n${e.error.stack}` : '';
  return `${who}${what}${err}`;
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const paths = prepareDaemonDir(opts.dir);
  const rawLog = opts.log;
  const log = rateLimitedLog(rawLog ?? (() => {}));
  const started = performance.now();

  const rm = new ResourceManager(rawLog !== undefined ? { onEvent: (e) => log(`rm: ${describeEvent(e)}`) } : {});
  let rmServer: SeqpacketServer;
  try {
    rmServer = await listenSeqpacket(paths.rmSocket, { mode: SOCKET_MODE });
  } catch (e) {
    rm.close();
    throw socketError(paths, 'rm.sock', e);
  }
  rmServer.onError((e, c) => log(`rm: ${c !== undefined ? `client ${c.id}: ` : ''}${e.message}`));
  rmServer.onConnection((c) => rm.attach(rmLink(c, log)));

  const status = (): DaemonStatus => ({
    pid: process.pid,
    dir: paths.dir,
    uptimeSeconds: Math.round(performance.now() - started) / 1000,
    clients: rmServer.connections.length,
    vms: rm.list().length,
  });
  let api: DaemonApiApp | undefined;
  let apiIno: number | undefined;
  try {
    await claimApiSocket(paths);
    api = buildDaemonApi({ vms: () => rm.list(), vm: (vmid) => rm.get(vmid), status }, rawLog !== undefined ? { log } : {});
    try {
      await api.listen({ path: paths.apiSocket });
      // Until chmod the socket has the umask's mode; DIR is 0700, so nobody else can reach it meanwhile.
      chmodSync(paths.apiSocket, SOCKET_MODE);
      apiIno = lstatSync(paths.apiSocket).ino;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw alreadyRunning(paths.dir, 'api.sock', e);
      throw new DaemonError('listen-failed', `Cannot listen on ${paths.apiSocket}: ${(e as Error).message}`, { cause: e });
    }
  } catch (e) {
    await api?.close();
    rmServer.close();
    rm.close();
    throw e;
  }

  const app = api;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    // The API first: no request sees a half-stopped RM.
    try {
      await app.close();
    } finally {
      try {
        // libuv unlinks a socket path it bound on close; make sure, but never remove a successor's file.
        if (lstatSync(paths.apiSocket).ino === apiIno) unlinkSync(paths.apiSocket);
      } catch {
        // Already gone.
      }
      rmServer.close();
      rm.close();
      log.flush();
    }
  };
  return {
    dir: paths.dir,
    rmSocketPath: paths.rmSocket,
    apiSocketPath: paths.apiSocket,
    get clients() {
      return rmServer.connections.length;
    },
    stop: () => (stopping ??= stop()),
  };
}
