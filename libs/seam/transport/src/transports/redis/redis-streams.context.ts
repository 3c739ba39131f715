import { BaseRpcContext } from '@nestjs/microservices';

type RedisStreamsContextArgs = [pattern: string, metadata: unknown, stream: string, entryId: string];

/** The RPC context of a message delivered by Seam's Redis streams transport. */
export class RedisStreamsContext extends BaseRpcContext<RedisStreamsContextArgs> {
  /** The pattern of the call or event. */
  getPattern(): string {
    return this.args[0];
  }

  /** The metadata the caller attached (`CallMetadata`). */
  getMetadata(): unknown {
    return this.args[1];
  }

  /** The stream the message was read from. */
  getStream(): string {
    return this.args[2];
  }

  /** The stream entry id of the message. */
  getEntryId(): string {
    return this.args[3];
  }
}
