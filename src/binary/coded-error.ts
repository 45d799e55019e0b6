// The shape of every layer's error class: a closed `code` union the caller can switch on, a message
// that says what was wrong and what to do, and an optional cause. Each layer subclasses it once.

export class CodedError<C extends string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
