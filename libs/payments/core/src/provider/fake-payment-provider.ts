import { randomUUID } from 'node:crypto';
import type { Money } from '../domain/payment.js';
import type { AuthorizationResult, PaymentProvider } from './payment-provider.js';

/** Card numbers that make the fake take each of its paths; any other 12–19 digits is approved. */
export const FAKE_CARDS = Object.freeze({
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  /** Answers (approved) after `slowMs`. */
  slow: '4000000000000259',
  /** Never answers: a hung provider. */
  hung: '4000000000000119',
});

/** One thing the fake provider did to money: the ledger a test inspects to count charges. */
export interface LedgerEntry {
  type: 'authorization' | 'capture' | 'refund' | 'void';
  authorizationId: string;
  amount: Money;
  cardLast4: string;
}

/** One call the fake received (whatever came of it): to prove that a retry did not reach it. */
export interface ProviderCall {
  method: 'authorize' | 'capture' | 'refund';
  /** The card's last four digits (authorize) or the authorization (capture, refund). */
  subject: string;
}

/** Options of {@link FakePaymentProvider}. */
export interface FakePaymentProviderOptions {
  /** How long the slow card takes (default 1,500 ms). */
  slowMs?: number;
}

interface Hold {
  amount: Money;
  cardLast4: string;
  state: 'held' | 'captured' | 'refunded' | 'voided';
}

/**
 * An in-memory payment provider whose behaviour is chosen by the card number (see
 * {@link FAKE_CARDS}), so that tests and demos can take every path: approval, both decline
 * reasons, a slow answer and no answer at all. Like a real provider it refuses to capture or
 * refund an authorization it does not know, or twice; it keeps a {@link LedgerEntry} for every
 * effect. Card behaviours apply to `authorize`; `capture` and `refund` answer at once.
 */
export class FakePaymentProvider implements PaymentProvider {
  private readonly holds = new Map<string, Hold>();
  private readonly entries: LedgerEntry[] = [];
  private readonly received: ProviderCall[] = [];
  private readonly slowMs: number;

  constructor(options: FakePaymentProviderOptions = {}) {
    this.slowMs = options.slowMs ?? 1_500;
  }

  /** Every effect so far, in order (a copy). */
  ledger(): LedgerEntry[] {
    return this.entries.map((entry) => ({ ...entry, amount: { ...entry.amount } }));
  }

  /** Every call received so far, in order (a copy). */
  calls(): ProviderCall[] {
    return this.received.map((call) => ({ ...call }));
  }

  async authorize(cardNumber: string, amount: Money): Promise<AuthorizationResult> {
    this.received.push({ method: 'authorize', subject: cardNumber.slice(-4) });
    if (!/^\d{12,19}$/.test(cardNumber)) throw new Error('card number must be 12 to 19 digits');
    switch (cardNumber) {
      case FAKE_CARDS.declined:
        return { outcome: 'declined', reason: 'card_declined' };
      case FAKE_CARDS.insufficientFunds:
        return { outcome: 'declined', reason: 'insufficient_funds' };
      case FAKE_CARDS.hung:
        // Pending forever, without a timer: nothing keeps the process alive for it.
        return new Promise<never>(() => undefined);
      case FAKE_CARDS.slow:
        await new Promise((resolve) => setTimeout(resolve, this.slowMs));
        return this.approve(cardNumber, amount);
      default:
        return this.approve(cardNumber, amount);
    }
  }

  async capture(authorizationId: string, amount: Money): Promise<void> {
    this.received.push({ method: 'capture', subject: authorizationId });
    const hold = this.holdFor(authorizationId, 'capture');
    if (hold.state !== 'held') throw new Error(`authorization ${authorizationId} is ${hold.state}, it cannot be captured`);
    if (!sameMoney(hold.amount, amount)) throw new Error(`authorization ${authorizationId} holds ${format(hold.amount)}, not ${format(amount)}`);
    hold.state = 'captured';
    this.record('capture', authorizationId, hold);
  }

  async refund(authorizationId: string, amount: Money): Promise<void> {
    this.received.push({ method: 'refund', subject: authorizationId });
    const hold = this.holdFor(authorizationId, 'refund');
    if (hold.state !== 'held' && hold.state !== 'captured') throw new Error(`authorization ${authorizationId} is already ${hold.state}`);
    if (!sameMoney(hold.amount, amount)) throw new Error(`authorization ${authorizationId} holds ${format(hold.amount)}, not ${format(amount)}`);
    const type = hold.state === 'held' ? 'void' : 'refund';
    hold.state = hold.state === 'held' ? 'voided' : 'refunded';
    this.record(type, authorizationId, hold);
  }

  private approve(cardNumber: string, amount: Money): AuthorizationResult {
    const authorizationId = `auth_${randomUUID()}`;
    const hold: Hold = { amount: { ...amount }, cardLast4: cardNumber.slice(-4), state: 'held' };
    this.holds.set(authorizationId, hold);
    this.record('authorization', authorizationId, hold);
    return { outcome: 'approved', authorizationId };
  }

  private holdFor(authorizationId: string, operation: string): Hold {
    const hold = this.holds.get(authorizationId);
    if (!hold) throw new Error(`cannot ${operation} unknown authorization ${authorizationId}`);
    return hold;
  }

  private record(type: LedgerEntry['type'], authorizationId: string, hold: Hold): void {
    this.entries.push({ type, authorizationId, amount: { ...hold.amount }, cardLast4: hold.cardLast4 });
  }
}

function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

function format(money: Money): string {
  return `${money.amount} ${money.currency}`;
}
