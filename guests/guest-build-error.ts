// The error of the micro-guest build (guests/build.ts): a missing toolchain, a failed compile or link, or a
// ring-0 instruction that kvm_pvm's CPL0 emulator cannot execute.

import { CodedError } from '../src/binary/coded-error.js';

export type GuestBuildErrorCode = 'gcc-missing' | 'compile-failed' | 'link-failed' | 'forbidden-instruction';

export class GuestBuildError extends CodedError<GuestBuildErrorCode> {
  override readonly name = 'GuestBuildError';
}
