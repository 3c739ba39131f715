import { Payload } from '@nestjs/microservices';
import { type FindOrderPayments, type OrderPayments, PaymentsContract } from '@contracts/payments';
import { ContractController, Handle } from '@seam/transport';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { toView } from '../payment.views.js';

/** `payments.find-order-payments` */
@ContractController(PaymentsContract)
export class FindOrderPaymentsController {
  constructor(private readonly payments: PaymentRepository) {}

  @Handle(PaymentsContract.findOrderPayments)
  async find(@Payload() request: FindOrderPayments): Promise<OrderPayments> {
    return { payments: (await this.payments.findByOrder(request.orderId)).map(toView) };
  }
}
