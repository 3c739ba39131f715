import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum.js';
import type { DtoClass } from '../contracts/contract.types.js';
import { validatePayload } from './validate-payload.js';

/**
 * Validates a handler's whole payload against the DTO of its contract entry (not against the
 * parameter's declared type, which may be an interface). Applied by `@Handle`/`@Subscribe`, so it
 * runs in every transport, after guards, before interceptors see the handler's result.
 */
export class DoorValidationPipe implements PipeTransform {
  /** @param dto the contract entry's DTO (read by Seam's direct handlers, which validate as this pipe does) */
  constructor(readonly dto: DtoClass) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // Nest 12 reports an RPC payload parameter as 'body'; earlier versions passed RpcParamtype.PAYLOAD.
    const type = metadata.type as unknown;
    const isWholePayload = (type === 'body' || type === RpcParamtype.PAYLOAD) && metadata.data === undefined;
    return isWholePayload ? validatePayload(this.dto, value) : value;
  }
}
