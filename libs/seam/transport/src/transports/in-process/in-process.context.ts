import { BaseRpcContext } from '@nestjs/microservices';

type InProcessContextArgs = [pattern: string, metadata: unknown];

/** The RPC context of a call delivered by the in-process transport (like `TcpContext`). */
export class InProcessContext extends BaseRpcContext<InProcessContextArgs> {
  /** The pattern of the call. */
  getPattern(): string {
    return this.args[0];
  }

  /** The metadata the caller attached (`CallMetadata`). */
  getMetadata(): unknown {
    return this.args[1];
  }
}
