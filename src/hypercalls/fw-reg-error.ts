// Errors from the firmware pseudo-register interface, with KVM/arm64's errno names
// (Documentation/virt/kvm/arm/fw-pseudo-registers.rst: ENOENT unknown, EINVAL bad value, EBUSY after run).

import { CodedError } from '../binary/coded-error.js';

export type FwRegErrorCode = 'ENOENT' | 'EINVAL' | 'EBUSY';

export class FwRegError extends CodedError<FwRegErrorCode> {
  override readonly name = 'FwRegError';
}
