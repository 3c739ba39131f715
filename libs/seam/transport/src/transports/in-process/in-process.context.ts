import { BaseRpcContext } from '@nestjs/microservices';

type InProcessContextArgs = [pattern: string, metadata: unknown];

/**
 * The RPC context of a call delivered by the in-process transport (like `TcpContext`). It keeps
 * the pattern and metadata as fields and builds Nest's argument list only when asked: the array
 * literal it would otherwise make per call was one that V8 chose to allocate in the old
 * generation (see `OutgoingRequest`).
 */
export class InProcessContext extends BaseRpcContext<InProcessContextArgs> {
  /** @param pattern the pattern of the call @param metadata the metadata its caller attached */
  constructor(
    private readonly pattern: string,
    private readonly metadata: unknown,
  ) {
    super(undefined as unknown as InProcessContextArgs);
  }

  /** The pattern of the call. */
  getPattern(): string {
    return this.pattern;
  }

  /** The metadata the caller attached (`CallMetadata`). */
  getMetadata(): unknown {
    return this.metadata;
  }

  /** `[pattern, metadata]`, as Nest's RPC contexts give their arguments. */
  override getArgs(): InProcessContextArgs {
    return [this.pattern, this.metadata];
  }

  override getArgByIndex<I extends keyof InProcessContextArgs>(index: I): InProcessContextArgs[I] {
    return this.getArgs()[index];
  }
}
