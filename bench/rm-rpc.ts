// RM RPC round trip: N sequential VM_GET_VMID request → reply over a live `bothy daemon`'s rm.sock (header
// decode, reassembly, dispatch, reply encode, both ways through SeqpacketConnection), against N round trips
// of an 8-byte echo over a bare SOCK_SEQPACKET server in another process (the transport floor), in the same
// run. Both servers are child processes and both clients the same SeqpacketConnection. Issue 5 sets no goal.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSeqpacket } from '../src/rm/transport/seqpacket-client.js';
import type { SeqpacketConnection } from '../src/rm/transport/seqpacket-connection.js';
import { childSays, exitOf, nodeChild } from '../src/rm/transport/testing.js';
import { requestPacket } from '../src/daemon/testing.js';
import { RM_RPC_HEADER, RM_RPC_HEADER_SIZE, RM_RPC_MSG_TYPE } from '../src/rm/rpc/rpc-header.js';
import { VM_GET_VMID } from '../src/rm/messages/message-ids.js';
import { daemonReady, spawnDaemon } from '../test/support/daemon-process.js';
import type { BenchResult, BenchRow } from './support/bench-result.js';
import { BenchError, tail } from './support/bench-error.js';
import { fmt, fmtSpread, spread } from './support/stats.js';
import { textTable } from './support/text-table.js';

export interface RmRpcBenchOptions {
  readonly roundTrips: number;
  readonly reps: number;
}

export const RM_RPC_DEFAULTS: RmRpcBenchOptions = { roundTrips: 20_000, reps: 5 };
export const RM_RPC_QUICK: RmRpcBenchOptions = { roundTrips: 5_000, reps: 1 };

const WARMUP = 2_000;
/** The GET_VMID reply: header + u32 RM_OK + u32 vmid. */
const REPLY_SIZE = RM_RPC_HEADER_SIZE + 8;

type Mode = 'rm' | 'echo';

/** Sends packet(i), waits for the answer and checks it, N times in a row; returns µs per round trip. */
async function roundTrips(c: SeqpacketConnection, n: number, packet: (i: number) => Uint8Array, check: (i: number, reply: Uint8Array) => string | undefined): Promise<number> {
  let answer: ((b: Uint8Array) => void) | undefined;
  c.onPacket((b) => answer?.(b));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const reply = new Promise<Uint8Array>((r) => (answer = r));
    c.send(packet(i));
    const wrong = check(i, await reply);
    if (wrong !== undefined) throw new BenchError('unexpected-output', `round trip ${i}: ${wrong}`);
  }
  return ((performance.now() - t0) * 1000) / n;
}

const getVmid = (i: number): Uint8Array => requestPacket(VM_GET_VMID, i & 0xffff);

function checkReply(i: number, b: Uint8Array): string | undefined {
  if (b.length !== REPLY_SIZE) return `a ${b.length}-byte answer instead of the ${REPLY_SIZE}-byte GET_VMID reply`;
  const h = RM_RPC_HEADER.decode(b);
  if (h.type_fragments !== RM_RPC_MSG_TYPE.REPLY || h.seq_num !== (i & 0xffff) || h.msg_id !== VM_GET_VMID) return `not the reply to GET_VMID seq ${i & 0xffff}`;
  return undefined;
}

async function measure(mode: Mode, path: string, n: number): Promise<number> {
  const c = await connectSeqpacket(path);
  try {
    // Each side answers one packet with one packet, so the connection a round trip uses is warm either way.
    if (mode === 'rm') {
      await roundTrips(c, WARMUP, getVmid, checkReply);
      return await roundTrips(c, n, getVmid, checkReply);
    }
    const echoCheck = (i: number, b: Uint8Array): string | undefined => (b.length === RM_RPC_HEADER_SIZE && RM_RPC_HEADER.get(b, 'seq_num') === (i & 0xffff) ? undefined : 'not the echo of the packet sent');
    await roundTrips(c, WARMUP, getVmid, echoCheck);
    return await roundTrips(c, n, getVmid, echoCheck);
  } finally {
    c.close();
  }
}

export async function rmRpcBench(opts: RmRpcBenchOptions = RM_RPC_DEFAULTS, log: (line: string) => void = console.log): Promise<BenchResult> {
  const name = 'rm-rpc';
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'bothy-bench-rm-'));
  const dir = join(work, 'run');
  const echoPath = join(work, 'echo.sock');
  log(`rm-rpc: ${opts.roundTrips} sequential VM_GET_VMID round trips over a bothy daemon's rm.sock vs 8-byte echoes over a bare SOCK_SEQPACKET server, ${opts.reps} reps`);

  const daemon = spawnDaemon(dir, { killAfterMs: 600_000 });
  const echo = nodeChild(`
    const s = new nus.SeqpacketServer();
    s.on('connection', (c) => { c.setInternalReadBufferSize(4096); c.on('data', (b) => c.write(b)); c.on('end', () => c.destroy()); });
    s.listen(${JSON.stringify(echoPath)});
    console.log('up');`);
  try {
    try {
      await daemonReady(daemon, dir);
      await childSays(echo, 'up');
    } catch (e) {
      throw new BenchError('run-failed', `the servers did not start: ${(e as Error).message}\n${tail(daemon.stderr())}`);
    }
    const us: Record<Mode, number[]> = { rm: [], echo: [] };
    const ratios: number[] = [];
    const paths: Record<Mode, string> = { rm: join(dir, 'rm.sock'), echo: echoPath };
    for (let rep = 1; rep <= opts.reps; rep++) {
      // Alternating order, so a noisy spell of the host hits both alike.
      const order: readonly Mode[] = rep % 2 ? ['rm', 'echo'] : ['echo', 'rm'];
      const per: Partial<Record<Mode, number>> = {};
      for (const m of order) {
        per[m] = await measure(m, paths[m], opts.roundTrips);
        us[m].push(per[m]);
      }
      ratios.push(per.rm! / per.echo!);
      log(`  rep ${rep}: GET_VMID ${fmt(per.rm!, 1)} µs, echo ${fmt(per.echo!, 1)} µs, ratio ${fmt(per.rm! / per.echo!, 2)}`);
    }
    if (daemon.exit() !== undefined) throw new BenchError('run-failed', `the daemon exited during the bench:\n${tail(daemon.stderr())}`);
    const r = spread(us.rm);
    const e = spread(us.echo);
    log(textTable(['median (min–max)', 'GET_VMID over rm.sock', 'bare SEQPACKET echo'], [['µs per round trip', fmtSpread(r, 'µs', 1), fmtSpread(e, 'µs', 1)]]));
    const rows: BenchRow[] = [
      { metric: 'µs per GET_VMID round trip (ratio: median of per-rep ratios; no goal set by issue 5)', bothy: `${fmt(r.median, 1)} µs`, baseline: `${fmt(e.median, 1)} µs`, ratio: spread(ratios).median },
    ];
    return { kind: 'done', name, baseline: 'bare SOCK_SEQPACKET 8-byte echo', seconds: (performance.now() - started) / 1000, rows };
  } finally {
    echo.kill('SIGKILL');
    await exitOf(echo);
    daemon.child.kill('SIGTERM');
    const end = await daemon.exited;
    if (end.code !== 0) log(`rm-rpc: the daemon ended with ${end.code ?? end.signal}: ${tail(daemon.stderr())}`);
  }
}
