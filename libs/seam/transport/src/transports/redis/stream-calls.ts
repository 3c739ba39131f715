import type { SignedReplyCallback } from '../../auth/outgoing-auth.js';

/** A stream entry carrying one or more calls. */
export interface Entry {
  id?: string;
  /** Calls of the entry not yet answered, failed or abandoned. */
  open: number;
  /** Calls of the entry whose caller stopped waiting (failed or abandoned). */
  dropped: number;
}

/** A call waiting for its answer. */
export interface PendingCall {
  module: string;
  /** The request stream the call was appended to. */
  stream: string;
  /** Takes the reply's signature too: it is checked before the caller sees the answer. */
  reply: SignedReplyCallback;
  entry?: Entry;
}

/** A call waiting for the end of the tick to be appended, with its serialized packet. */
export interface QueuedCall {
  id: string;
  call: PendingCall;
  body: string;
}
