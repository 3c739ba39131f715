import { Payload } from '@nestjs/microservices';
import { type PaymentAction, PaymentsContract, type Payment as PaymentView } from '@contracts/payments';
import { ContractController, Handle } from '@seam/transport';
import { PaymentCommandHandler } from '../payment-command.handler.js';

/** `payments.refund-payment`: refunds a captured payment, or voids an authorized one. */
@ContractController(PaymentsContract)
export class RefundPaymentController {
  constructor(private readonly commands: PaymentCommandHandler) {}

  @Handle(PaymentsContract.refundPayment)
  refund(@Payload() request: PaymentAction): Promise<PaymentView> {
    return this.commands.handle('refund', request);
  }
}
