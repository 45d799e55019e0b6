// AML opcode and prefix bytes, named as in ACPI 6.5 §20.2 (grammar) and §20.3 (opcode table).
// Extended opcodes are written after EXT_OP_PREFIX.

export const AML = {
  ZeroOp: 0x00,
  OneOp: 0x01,
  NameOp: 0x08,
  BytePrefix: 0x0a,
  WordPrefix: 0x0b,
  DWordPrefix: 0x0c,
  StringPrefix: 0x0d,
  QWordPrefix: 0x0e,
  ScopeOp: 0x10,
  BufferOp: 0x11,
  PackageOp: 0x12,
  MethodOp: 0x14,
  DualNamePrefix: 0x2e,
  MultiNamePrefix: 0x2f,
  ExtOpPrefix: 0x5b,
  RootChar: 0x5c,
  ParentPrefixChar: 0x5e,
  NullName: 0x00,
  Local0Op: 0x60,
  Arg0Op: 0x68,
  StoreOp: 0x70,
  AddOp: 0x72,
  SubtractOp: 0x74,
  AndOp: 0x7b,
  OrOp: 0x7d,
  NotifyOp: 0x86,
  LAndOp: 0x90,
  LOrOp: 0x91,
  LNotOp: 0x92,
  LEqualOp: 0x93,
  LGreaterOp: 0x94,
  LLessOp: 0x95,
  ToIntegerOp: 0x99,
  IfOp: 0xa0,
  ElseOp: 0xa1,
  ReturnOp: 0xa4,
  OnesOp: 0xff,
} as const;

/** Second bytes of the ExtOpPrefix (0x5B) opcodes. */
export const AML_EXT = {
  DeviceOp: 0x82,
} as const;
