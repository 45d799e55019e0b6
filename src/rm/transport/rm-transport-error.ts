// Errors of the RM RPC socket transport (SOCK_SEQPACKET, one packet = one message-queue message,
// gunyah.md §3): setting up the socket, caller mistakes when sending, and misbehaving peers.

import { CodedError } from '../../binary/coded-error.js';

export type RmTransportErrorCode =
  // Setting up (thrown by listenSeqpacket / connectSeqpacket).
  | 'path-too-long'
  | 'path-taken'
  | 'socket-in-use'
  | 'listen-failed'
  | 'connect-failed'
  // Caller mistakes (thrown by send, before the socket is touched).
  | 'packet-too-large'
  | 'packet-empty'
  | 'connection-closed'
  // The peer or the socket misbehaved (reported through onError, never thrown).
  | 'received-too-large'
  | 'peer-stalled'
  | 'socket-failed'
  | 'handler-failed';

export class RmTransportError extends CodedError<RmTransportErrorCode> {
  override readonly name = 'RmTransportError';
}
