import { Payload } from '@nestjs/microservices';
import { type PaymentAction, PaymentsContract, type Payment as PaymentView } from '@contracts/payments';
import { ContractController, Handle } from '@seam/transport';
import { PaymentCommandHandler } from '../payment-command.handler.js';

/** `payments.capture-payment` */
@ContractController(PaymentsContract)
export class CapturePaymentController {
  constructor(private readonly commands: PaymentCommandHandler) {}

  @Handle(PaymentsContract.capturePayment)
  capture(@Payload() request: PaymentAction): Promise<PaymentView> {
    return this.commands.handle('capture', request);
  }
}
