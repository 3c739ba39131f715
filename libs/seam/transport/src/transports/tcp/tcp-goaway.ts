/**
 * The frame a stopping TCP server sends on each open connection (as HTTP/2's GOAWAY): "send
 * nothing new here; what you sent before this is answered". A Seam client then opens a new
 * connection for its next calls — through a balancer, to a replica that is not stopping — and
 * ends this one once it has its answers, so that no request is ever in flight towards a server
 * that has closed its side. A stock Nest client ignores it (it has no id) and gets `shutting-down`
 * refusals instead.
 */
const GOAWAY_FRAME_KEY = 'seam-goaway';

/** The frame itself (versioned, like the link frames). */
export const GOAWAY_FRAME: Readonly<Record<typeof GOAWAY_FRAME_KEY, { v: 1 }>> = Object.freeze({
  [GOAWAY_FRAME_KEY]: { v: 1 },
});

/** Whether a frame received by a client is a {@link GOAWAY_FRAME}. */
export function isGoAwayFrame(frame: unknown): boolean {
  return typeof frame === 'object' && frame !== null && GOAWAY_FRAME_KEY in frame;
}
