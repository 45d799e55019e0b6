// Entry point of a vCPU worker thread: it loads, says it is ready, and waits for its vCPU; then it wraps
// the vCPU fd, applies the boot state, builds this thread's view of the devices, reports its thread id
// (so it can be kicked) and runs the KVM_RUN loop.

import { parentPort } from 'node:worker_threads';
import { libc, viewOf } from '../kvm/libc.js';
import { VcpuFd } from '../kvm/vcpu-fd.js';
import { VmFd } from '../kvm/vm-fd.js';
import { Control, RUN_STATE } from './control.js';
import { buildBuses, warmDevicePaths } from './device-table.js';
import { runVcpuLoop } from './vcpu-loop.js';
import { KvmIrqLine } from './kvm-irq-line.js';
import { consoleSink } from './console-output.js';
import type { VcpuWorkerInit, WorkerMessage } from './vcpu-worker-protocol.js';
import type { VmExitReason } from './exit-reason.js';
import type { SystemEvent } from '../devices/device.js';
import { bootRegs, bootSregs } from '../arch/x86_64/regs.js';
import { assertNever } from '../binary/assert-never.js';
import { WORKER_READY } from './worker-pool.js';
import { FirmwareRegisters } from '../hypercalls/firmware-registers.js';
import { createDispatcher } from '../hypercalls/services.js';
import { PowerStates } from './power-states.js';
import { StolenTimeClock, StolenTimeFlags } from './stolen-time.js';
import { PVCLOCK_VCPU_STOLEN_TIME } from '../hypercalls/pv-time.js';
import { X86HypercallPlatform } from './hypercall-platform.js';
import { HypercallDoorbell } from './hypercall-doorbell.js';
import { VcpuPower } from './vcpu-power.js';

const port = parentPort!;
const post = (m: WorkerMessage): void => port.postMessage(m);

function runVcpu(init: VcpuWorkerInit): void {
  const control = new Control(init.control);
  const exit = (reason: VmExitReason): void => {
    if (control.claimExit()) post({ kind: 'exit', reason });
    control.request(RUN_STATE.STOPPED);
    post({ kind: 'stop-others' });
  };
  const systemEvent = (e: SystemEvent): void => {
    switch (e.kind) {
      case 'reset': exit({ kind: 'reset' }); break;
      case 'poweroff': exit({ kind: 'poweroff' }); break;
      case 'guest-exit': exit({ kind: 'guest-exit', code: e.code }); break;
      default: assertNever(e, 'system event');
    }
  };
  try {
    const vm = new VmFd(init.vmFd);
    const vcpu = new VcpuFd(init.vcpuFd, init.vcpuId, init.runSize);
    const setup = init.setup;
    if (setup) {
      vcpu.setCpuid(setup.cpuid);
      vcpu.setMsrs(setup.msrs);
      if (setup.entry) {
        vcpu.setRegs(bootRegs(setup.entry));
        vcpu.setSregs(bootSregs(vcpu.getSregs(), setup.entry.protocol));
      }
    }
    const output = consoleSink(init.consoleFd, init.consolePrefix);
    const { pio, mmio } = buildBuses(init.devices, (spec) => ({
      ...(spec.gsi !== undefined ? { irq: new KvmIrqLine(vm, spec.gsi) } : {}),
      output,
      system: systemEvent,
    }));
    const services = hypercallServices(init, vcpu);
    post({ kind: 'started', vcpuId: init.vcpuId, tid: libc.gettid() });
    runVcpuLoop({ vcpu, pio, mmio, control, exit, ...services });
  } catch (e) {
    exit({ kind: 'crash', vcpu: init.vcpuId, message: `vCPU setup failed: ${(e as Error).message}` });
  }
  post({ kind: 'done', vcpuId: init.vcpuId });
  port.close();
}

/** This thread's dispatcher over the VM's shared hypercall state, and the doorbell that feeds it. */
function hypercallServices(init: VcpuWorkerInit, vcpu: VcpuFd): Pick<Parameters<typeof runVcpuLoop>[0], 'doorbell' | 'power' | 'stolenTime'> {
  const h = init.hypercalls;
  const power = new PowerStates(h.power);
  const record = PVCLOCK_VCPU_STOLEN_TIME.size;
  const stolenTime = new StolenTimeClock(vcpu.id, new StolenTimeFlags(h.stolenTime), viewOf(h.stolenTimeRecords + BigInt(vcpu.id * record), record));
  const platform = new X86HypercallPlatform({ vcpu, power, stolenTime, kick: (target) => post({ kind: 'kick', vcpu: target }) });
  const dispatcher = createDispatcher(new FirmwareRegisters(h.config, h.registers), { vendorUid: h.vendorUid });
  return { doorbell: new HypercallDoorbell(vcpu.run, dispatcher, platform, vcpu.id), power: new VcpuPower(vcpu, power), stolenTime };
}

// Ready first, so a pool can start this thread before any VM exists — with the hot paths compiled.
warmDevicePaths();
port.postMessage(WORKER_READY);
port.once('message', (init: VcpuWorkerInit) => runVcpu(init));
