import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { AuthenticatedLink } from '../../auth/link-auth.js';
import { MODULE_NAME } from '../../auth/mesh-keys.js';
import { UNKNOWN_CALLER } from '../../context/call-context.js';
import { redisKeys } from './redis-keys.js';

/**
 * Where a client appends a call of `caller` to `module`. With ACL identities a named caller writes
 * its own stream, which only its Redis user may append to: the stream vouches for it, so the
 * request goes unsigned and the callee answers unsigned. Otherwise: the module's shared stream,
 * and a signed envelope.
 */
export function streamOfCall(
  module: string,
  caller: string | undefined,
  aclIdentities: boolean,
): { stream: string; vouched: boolean } {
  const vouched = aclIdentities && caller !== undefined && caller !== UNKNOWN_CALLER && MODULE_NAME.test(caller);
  return { stream: vouched ? redisKeys.callerRequests(module, caller) : redisKeys.requests(module), vouched };
}

/** A request stream a server reads: the module it feeds and, when its writer is vouched for, the link that says who. */
export interface RequestStream {
  module: string;
  /** Set for a caller's own stream under ACL identities: admits that caller → this module only. */
  vouched?: AuthenticatedLink;
}

/**
 * The request streams of a Redis streams server and whom each vouches for. Each hosted module has
 * its shared stream (`seam:rq:<module>`, signed envelopes only); with ACL identities
 * (`SeamRedisSecurity.aclIdentities`) also one stream per caller it shares a mesh key with, which
 * only that caller's Redis user may write, so an unsigned request read there comes from that caller.
 * Event streams likewise vouch for their pattern's owner, the only user who may append to them.
 */
export class RequestStreams {
  private readonly streams = new Map<string, RequestStream>();
  private readonly eventLinks = new Map<string, AuthenticatedLink>();

  constructor(
    hosted: readonly string[],
    /** Mesh keys, required with ACL identities (they name the callers); `undefined` otherwise. */
    private readonly aclAuth: EnvelopeAuth | undefined,
  ) {
    for (const module of hosted) {
      this.streams.set(redisKeys.requests(module), { module });
      for (const caller of aclAuth?.keys.peersOf(module) ?? [])
        this.streams.set(redisKeys.callerRequests(module, caller), {
          module,
          vouched: new AuthenticatedLink(new Set([`${caller}>${module}`])),
        });
    }
  }

  /** The request streams of `module`, shared stream first. */
  of(module: string): string[] {
    return [...this.streams].filter(([, stream]) => stream.module === module).map(([name]) => name);
  }

  /** The request stream named `name`, or `undefined` for an event stream. */
  get(name: string): RequestStream | undefined {
    return this.streams.get(name);
  }

  /** The link an event stream vouches for (its pattern's owner → `module`), with ACL identities only. */
  eventLink(module: string, pattern: string): AuthenticatedLink | undefined {
    if (!this.aclAuth) return undefined;
    const key = `${module} ${pattern}`;
    let link = this.eventLinks.get(key);
    if (!link) {
      link = new AuthenticatedLink(new Set([`${pattern.slice(0, pattern.indexOf('.'))}>${module}`]));
      this.eventLinks.set(key, link);
    }
    return link;
  }
}
