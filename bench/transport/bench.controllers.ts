import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ContractController, Handle } from '@seam/transport';
import { BenchContract, STOCK_PATTERN, type Triple } from './bench.contract.js';

/** The work every row measures: answer with a new 3-field object. */
export function echoTriple(request: Triple): Triple {
  return { name: request.name, quantity: request.quantity, gift: request.gift };
}

/** Seam handlers: one without door validation, one with. */
@ContractController(BenchContract)
export class SeamBenchController {
  @Handle(BenchContract.echo, { validation: false })
  echo(@Payload() request: Triple): Triple {
    return echoTriple(request);
  }

  @Handle(BenchContract.echoValidated)
  echoValidated(@Payload() request: Triple): Triple {
    return echoTriple(request);
  }
}

/** The same handler as a plain Nest message pattern, for the stock baselines. */
@Controller()
export class StockBenchController {
  @MessagePattern(STOCK_PATTERN)
  echo(@Payload() request: Triple): Triple {
    return echoTriple(request);
  }
}
