// The error of the micro-guest build (guests/build.ts): a missing toolchain, a failed compile or link, or a
// ring-0 instruction that kvm_pvm's CPL0 emulator cannot execute.

export type GuestBuildErrorCode = 'gcc-missing' | 'compile-failed' | 'link-failed' | 'forbidden-instruction';

export class GuestBuildError extends Error {
  override readonly name = 'GuestBuildError';
  readonly code: GuestBuildErrorCode;

  constructor(code: GuestBuildErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
