// `bothy ctl`: drives a running VM through its control API on a Unix socket (src/api/, docs/openapi.json)
// and prints the answers for people, or as the API's own JSON with --json.

import { request } from 'node:http';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { assertNever } from '../binary/assert-never.js';
import { ActionError, parseFwReg, parseFwRegValue, type Action, type FwRegView } from '../vm/actions.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';

export interface CtlOptions {
  readonly apiSock: string;
  readonly json?: boolean;
}

/** sysexits EX_UNAVAILABLE: the service (here a bothy's API) is not there. */
const EXIT_NOT_LISTENING = EXIT.UNAVAILABLE;

interface Answer {
  readonly status: number;
  /** The parsed JSON body; undefined when there was none (204). */
  readonly body: unknown;
}

function call(socketPath: string, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((done, fail) => {
    const req = request({
      socketPath,
      method,
      path,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (text === '') return done({ status: res.statusCode ?? 0, body: undefined });
        try {
          done({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        } catch {
          fail(new CliError(EXIT.FAILURE, `The API on ${socketPath} answered ${res.statusCode} with something that is not JSON: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => fail(connectError(socketPath, e)));
    req.end(payload);
  });
}

function connectError(socketPath: string, e: NodeJS.ErrnoException): CliError {
  switch (e.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
    case 'ENOTSOCK':
      return new CliError(EXIT_NOT_LISTENING, `no bothy is listening on ${socketPath} (start one with \`bothy run --api-sock ${socketPath}\`)`);
    case 'EACCES':
      return new CliError(EXIT.FAILURE, `Cannot connect to ${socketPath}: permission denied (the API socket is open only to the user who started that bothy)`);
    default:
      return new CliError(EXIT.FAILURE, `Cannot reach the bothy API on ${socketPath}: ${e.message}`);
  }
}

function apiErrorMessage(a: Answer): string {
  const err = (a.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof err?.message === 'string' ? err.message : `The API answered HTTP ${a.status} without an error message`;
}

function formatBytes(n: number): string {
  const GiB = 2 ** 30;
  const MiB = 2 ** 20;
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n % MiB === 0) return `${n / MiB} MiB`;
  return `${n} bytes`;
}

function formatStatus(body: unknown): string {
  const s = body as { state: string; vcpus: number; memSize: number; kernel: string; cmdline: string };
  const rows: [string, string][] = [
    ['state', s.state],
    ['vcpus', String(s.vcpus)],
    ['memory', formatBytes(s.memSize)],
    ['kernel', s.kernel],
    ['cmdline', s.cmdline === '' ? '(empty)' : s.cmdline],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(9)}${v}\n`).join('');
}

function formatFwRegs(body: unknown): string {
  const regs = (body as { regs: FwRegView[] }).regs;
  const width = Math.max(0, ...regs.map((r) => r.name.length));
  return regs.map((r) => `${r.id}  ${r.name.padEnd(width)}  ${r.value}\n`).join('');
}

/** A register or value this bothy could never accept is a usage error here, before anything is sent. */
function checkFwRegInput(reg: string, value?: string): void {
  try {
    parseFwReg(reg);
    if (value !== undefined) parseFwRegValue(value);
  } catch (e) {
    if (e instanceof ActionError) throw new CliError(EXIT.USAGE, e.message);
    throw e;
  }
}

const fwRegPath = (reg: string): string => `/v1/vm/fw-regs/${encodeURIComponent(reg.trim())}`;

/** Sends one action, prints the answer, and returns the exit code (API refusals throw a CliError). */
export async function ctlCommand(action: Action, o: CtlOptions, out: (s: string) => void = (s) => void process.stdout.write(s)): Promise<number> {
  const sock = o.apiSock;
  let answer: Answer;
  let human: (a: Answer) => string;
  switch (action.kind) {
    case 'status':
      answer = await call(sock, 'GET', '/v1/vm');
      human = (a) => formatStatus(a.body);
      break;
    case 'pause':
    case 'resume':
      answer = await call(sock, 'PUT', '/v1/vm/state', { state: action.kind === 'pause' ? 'paused' : 'running' });
      human = () => (action.kind === 'pause' ? 'VM paused\n' : 'VM resumed\n');
      break;
    case 'vmgenid':
      answer = await call(sock, 'GET', '/v1/vm/vmgenid');
      human = (a) => `${(a.body as { uuid: string }).uuid}\n`;
      break;
    case 'snapshot': {
      // The VMM may run in another directory: send the path as this shell means it.
      const dir = resolve(action.dir);
      answer = await call(sock, 'PUT', '/v1/vm/snapshot', { dir });
      human = () => `Snapshot written to ${dir}\n`;
      break;
    }
    case 'fw-reg-list':
      answer = await call(sock, 'GET', '/v1/vm/fw-regs');
      human = (a) => formatFwRegs(a.body);
      break;
    case 'fw-reg-get':
      checkFwRegInput(action.reg);
      answer = await call(sock, 'GET', fwRegPath(action.reg));
      human = (a) => `${(a.body as FwRegView).value}\n`;
      break;
    case 'fw-reg-set':
      checkFwRegInput(action.reg, action.value);
      answer = await call(sock, 'PUT', fwRegPath(action.reg), { value: action.value.trim() });
      human = (a) => `${(a.body as FwRegView).name} = ${(a.body as FwRegView).value}\n`;
      break;
    default:
      return assertNever(action, 'ctl action');
  }
  const ok = answer.status >= 200 && answer.status < 300;
  if (o.json === true && answer.body !== undefined) out(`${JSON.stringify(answer.body)}\n`);
  if (!ok) throw new CliError(EXIT.FAILURE, apiErrorMessage(answer));
  if (o.json !== true) out(human(answer));
  return EXIT.OK;
}

export function addCtlCommand(program: Command, setExitCode: (code: number) => void): void {
  const ctl = program
    .command('ctl')
    .description('Control a running VM through its API socket (start it with `bothy run --api-sock PATH`).\n' +
      `Exit code: 0 on success, ${EXIT.FAILURE} when the VM refuses (the message says why), ` +
      `${EXIT_NOT_LISTENING} when no bothy listens on the socket, ${EXIT.USAGE} for bad usage.`)
    .requiredOption('--api-sock <path>', 'the API socket of the running bothy')
    .option('--json', "print the API's JSON answers as they are");
  const run = (action: Action) => async (_o: unknown, cmd: Command) => {
    setExitCode(await ctlCommand(action, cmd.optsWithGlobals<CtlOptions>()));
  };
  ctl.command('status').description('what the VM is and whether it runs').action(run({ kind: 'status' }));
  ctl.command('pause').description('park every vCPU (the guest stops running)').action(run({ kind: 'pause' }));
  ctl.command('resume').description('let a paused VM run again').action(run({ kind: 'resume' }));
  ctl.command('vmgenid').description("print the VM's Generation ID").action(run({ kind: 'vmgenid' }));
  ctl
    .command('snapshot')
    .description('write the VM\'s state and memory to DIR (which must not exist, or be empty); a running VM is paused meanwhile')
    .argument('<dir>', 'directory to write (relative paths are taken from here)')
    .action(async (dir: string, _o: unknown, cmd: Command) => {
      setExitCode(await ctlCommand({ kind: 'snapshot', dir }, cmd.optsWithGlobals<CtlOptions>()));
    });
  const fw = ctl
    .command('fw-reg')
    .description("the VM's firmware pseudo-registers, with KVM/arm64's ONE_REG semantics; a refusal prints KVM's errno " +
      '(ENOENT no such register, EINVAL a refused value, EBUSY a bitmap change after the VM has run)');
  fw.command('list').description('every register: id, name, value (0x-hex)').action(run({ kind: 'fw-reg-list' }));
  fw
    .command('get')
    .description('print one register\'s value (0x-hex)')
    .argument('<reg>', 'a name (KVM_REG_ARM_PSCI_VERSION, psci-version, std-bmap, …) or a 0x-hex id')
    .action(async (reg: string, _o: unknown, cmd: Command) => {
      setExitCode(await ctlCommand({ kind: 'fw-reg-get', reg }, cmd.optsWithGlobals<CtlOptions>()));
    });
  fw
    .command('set')
    .description('write one register (KVM_SET_ONE_REG) and print what it now reads')
    .argument('<reg>', 'a name (KVM_REG_ARM_PSCI_VERSION, psci-version, std-bmap, …) or a 0x-hex id')
    .argument('<value>', 'a u64, decimal or 0x-hex')
    .action(async (reg: string, value: string, _o: unknown, cmd: Command) => {
      setExitCode(await ctlCommand({ kind: 'fw-reg-set', reg, value }, cmd.optsWithGlobals<CtlOptions>()));
    });
}
