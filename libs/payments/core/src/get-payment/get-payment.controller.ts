import { Payload } from '@nestjs/microservices';
import { type GetPayment, PaymentsContract, type Payment as PaymentView } from '@contracts/payments';
import { ContractController, Handle } from '@seam/transport';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { paymentNotFound } from '../keyed-request.js';
import { toView } from '../payment.views.js';

/** `payments.get-payment` */
@ContractController(PaymentsContract)
export class GetPaymentController {
  constructor(private readonly payments: PaymentRepository) {}

  @Handle(PaymentsContract.getPayment)
  async get(@Payload() request: GetPayment): Promise<PaymentView> {
    const payment = await this.payments.findById(request.paymentId);
    if (!payment) throw paymentNotFound(request.paymentId);
    return toView(payment);
  }
}
