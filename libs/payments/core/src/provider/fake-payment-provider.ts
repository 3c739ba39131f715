import { inTransaction, isUniqueViolation, PreparedInsert, PreparedRead, PreparedUpdate } from '@seam/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type { Money } from '../domain/payment.js';
import { FakeProviderHoldRecord } from '../infrastructure/fake-provider-hold.record.js';
import { FakeProviderLedgerRecord } from '../infrastructure/fake-provider-ledger.record.js';
import type { AuthorizationResult, PaymentProvider } from './payment-provider.js';
import {
  AUTHORIZATION_KEY_WINDOW_MS,
  authorizationTime,
  newAuthorizationId,
  newCardToken,
} from './fake-authorization-ids.js';
import {
  ENTRY_OF_STATE,
  entryOf,
  keyReused,
  MOVABLE,
  refusal,
  REFUNDED,
  sameSettlement,
  type Settlement,
} from './fake-provider-settlement.js';

export { AUTHORIZATION_KEY_WINDOW_MS } from './fake-authorization-ids.js';

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

/** How many of its latest calls a {@link FakePaymentProvider} keeps for `calls()`. */
export const FAKE_PROVIDER_CALLS_KEPT = 10_000;

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

/**
 * A payment provider whose behaviour is chosen by the card number (see {@link FAKE_CARDS}), so
 * that tests and demos can take every path: approval, both decline reasons, a slow answer and no
 * answer at all. Card behaviours apply to `authorize`; `capture` and `refund` answer at once.
 * Every answered authorization carries a fresh card token (`tok_…`).
 *
 * Like a real provider it is one system for every replica of the payments module: its holds and
 * its ledger live in the module's database (tables `fake_provider_hold` and
 * `fake_provider_ledger`), so a hold made through one replica can be captured through another.
 * It refuses (rejects) to capture or refund an authorization it does not know, or twice: each
 * settlement is one conditional UPDATE, so of two replicas settling one hold at once exactly one
 * succeeds. Every effect is recorded in the ledger in the same transaction, with the call's
 * idempotency key: a repeat of the key (same authorization, amount and operation) is answered as
 * the success it was, and moves nothing; a key reused for another settlement is refused. An
 * authorization's key is kept a day ({@link AUTHORIZATION_KEY_WINDOW_MS}): a repeat with the same
 * amount and card answers its hold, even one made after its caller stopped waiting.
 */
export class FakePaymentProvider implements PaymentProvider {
  private readonly received: ProviderCall[] = [];
  private readonly slowMs: number;
  /** Every placed order writes a hold and two ledger entries and reads its hold: SQL built once. */
  private readonly newHold: PreparedInsert<FakeProviderHoldRecord>;
  private readonly newEntry: PreparedInsert<FakeProviderLedgerRecord>;
  private readonly holdOf: PreparedRead<FakeProviderHoldRecord>;
  /** A capture's move of a hold (held → captured); refunds, rare, build theirs on each call. */
  private readonly capturedHold: PreparedUpdate<FakeProviderHoldRecord>;
  /** Read by every keyed authorization, and by a settlement that moved nothing (a repeat of its key). */
  private readonly entryOfKey: PreparedRead<FakeProviderLedgerRecord>;

  /** @param dataSource the payments module's own DataSource (migrated with `paymentsData`). */
  constructor(
    private readonly dataSource: DataSource,
    options: FakePaymentProviderOptions = {},
  ) {
    this.slowMs = options.slowMs ?? 1_500;
    this.newHold = new PreparedInsert(dataSource.getRepository(FakeProviderHoldRecord));
    this.newEntry = new PreparedInsert(dataSource.getRepository(FakeProviderLedgerRecord), {
      generatedByDatabase: true,
    });
    this.holdOf = new PreparedRead(dataSource.getRepository(FakeProviderHoldRecord), {
      where: ['authorizationId'],
      limit: 1,
    });
    this.capturedHold = new PreparedUpdate(dataSource.getRepository(FakeProviderHoldRecord), {
      where: ['authorizationId', 'state', 'amount', 'currency'],
      set: ['state'],
    });
    this.entryOfKey = new PreparedRead(dataSource.getRepository(FakeProviderLedgerRecord), {
      where: ['idempotencyKey'],
      limit: 1,
    });
  }

  /** Every effect so far, through any instance on the same database, in order. */
  async ledger(): Promise<LedgerEntry[]> {
    const rows = await inTransaction(this.dataSource, (manager) =>
      manager.getRepository(FakeProviderLedgerRecord).find({ order: { seq: 'ASC' } }),
    );
    return rows.map((row) => ({
      type: row.type as LedgerEntry['type'],
      authorizationId: row.authorizationId,
      amount: { amount: row.amount, currency: row.currency },
      cardLast4: row.cardLast4,
    }));
  }

  /**
   * The calls this instance received, in order (a copy): what one replica asked. The last
   * {@link FAKE_PROVIDER_CALLS_KEPT} only: the fake runs in every `npm start`, and a list of every
   * call would grow by two per order for the life of the process.
   */
  calls(): ProviderCall[] {
    return this.received.slice(-FAKE_PROVIDER_CALLS_KEPT).map(({ method, subject }) => ({ method, subject }));
  }

  private record(call: ProviderCall): void {
    // Dropped a thousand at a time: one splice per thousand calls, not one shift per call.
    if (this.received.length >= FAKE_PROVIDER_CALLS_KEPT + 1_000) this.received.splice(0, 1_000);
    this.received.push(call);
  }

  async authorize(cardNumber: string, amount: Money, idempotencyKey?: string): Promise<AuthorizationResult> {
    this.record({ method: 'authorize', subject: cardNumber.slice(-4) });
    if (!/^\d{12,19}$/.test(cardNumber)) throw new Error('card number must be 12 to 19 digits');
    // A repeat is answered at once, whatever the card: the provider decided the first time.
    const earlier = idempotencyKey ? await this.earlierHold(idempotencyKey, cardNumber, amount) : undefined;
    if (earlier) return earlier;
    const cardToken = newCardToken();
    switch (cardNumber) {
      case FAKE_CARDS.declined:
        return { outcome: 'declined', reason: 'card_declined', cardToken };
      case FAKE_CARDS.insufficientFunds:
        return { outcome: 'declined', reason: 'insufficient_funds', cardToken };
      case FAKE_CARDS.hung:
        // Pending forever, without a timer: nothing keeps the process alive for it.
        return new Promise<never>(() => undefined);
      case FAKE_CARDS.slow:
        await new Promise((resolve) => setTimeout(resolve, this.slowMs));
        return this.approve(cardNumber, amount, cardToken, idempotencyKey);
      default:
        return this.approve(cardNumber, amount, cardToken, idempotencyKey);
    }
  }

  capture(authorizationId: string, amount: Money, idempotencyKey?: string): Promise<void> {
    return this.settle('capture', authorizationId, amount, idempotencyKey);
  }

  refund(authorizationId: string, amount: Money, idempotencyKey?: string): Promise<void> {
    return this.settle('refund', authorizationId, amount, idempotencyKey);
  }

  private async approve(
    cardNumber: string,
    amount: Money,
    cardToken: string,
    idempotencyKey: string | undefined,
  ): Promise<AuthorizationResult> {
    const hold = Object.assign(new FakeProviderHoldRecord(), {
      authorizationId: newAuthorizationId(new Date()),
      amount: amount.amount,
      currency: amount.currency,
      cardLast4: cardNumber.slice(-4),
      state: 'held',
    });
    try {
      await inTransaction(this.dataSource, async (manager) => {
        await this.newHold.run([hold], manager);
        await this.newEntry.run([entryOf('authorization', hold, idempotencyKey ?? null)], manager);
      });
    } catch (error) {
      // A call with the same key held first (this one was slow, and its caller retried): its hold
      // is the answer, and this one's was rolled back.
      const earlier = isUniqueViolation(error)
        ? await this.earlierHold(idempotencyKey!, cardNumber, amount)
        : undefined;
      if (earlier) return earlier;
      throw error;
    }
    return { outcome: 'approved', authorizationId: hold.authorizationId, cardToken };
  }

  /**
   * The hold an earlier authorization with `idempotencyKey` made, if it is still inside the key's
   * window ({@link AUTHORIZATION_KEY_WINDOW_MS}); a key past it is forgotten, free for a new hold.
   *
   * @throws Error when the key was used for another amount or card, or for a settlement.
   */
  private async earlierHold(
    idempotencyKey: string,
    cardNumber: string,
    amount: Money,
  ): Promise<AuthorizationResult | undefined> {
    return inTransaction(this.dataSource, async (manager) => {
      const entry = await this.entryOfKey.first([idempotencyKey], manager);
      if (!entry) return undefined;
      if (entry.type !== 'authorization') throw keyReused(idempotencyKey);
      const madeAt = authorizationTime(entry.authorizationId);
      if (madeAt === undefined || Date.now() - madeAt > AUTHORIZATION_KEY_WINDOW_MS) {
        await manager
          .getRepository(FakeProviderLedgerRecord)
          .update({ seq: entry.seq, idempotencyKey }, { idempotencyKey: null });
        return undefined;
      }
      const same =
        entry.amount === amount.amount &&
        entry.currency === amount.currency &&
        entry.cardLast4 === cardNumber.slice(-4);
      if (!same) throw keyReused(idempotencyKey);
      return { outcome: 'approved', authorizationId: entry.authorizationId, cardToken: newCardToken() };
    });
  }

  private async settle(
    operation: Settlement,
    authorizationId: string,
    amount: Money,
    idempotencyKey: string | undefined,
  ): Promise<void> {
    this.record({ method: operation, subject: authorizationId });
    await inTransaction(this.dataSource, async (manager) => {
      // The UPDATE is the decision: of two replicas settling one hold at once, the database lets
      // exactly one match it (SQLite: one writer at a time; PostgreSQL: the second waits for the
      // row, then re-checks the condition on the row as the first left it).
      const moved = await this.moveHold(manager, operation, authorizationId, amount);
      const hold = (await this.holdOf.first([authorizationId], manager)) ?? null;
      if (moved === 1 && hold) {
        await this.newEntry
          .run([entryOf(ENTRY_OF_STATE[hold.state]!, hold, idempotencyKey ?? null)], manager)
          .catch((error: unknown) => {
            // The key already names another settlement (a refund under a capture's key): nothing moves.
            throw isUniqueViolation(error) ? keyReused(idempotencyKey!) : error;
          });
        return;
      }
      // Read after the UPDATE: a same-key settlement that won the row just before is committed by now.
      const earlier = idempotencyKey ? await this.entryOfKey.first([idempotencyKey], manager) : undefined;
      if (earlier && sameSettlement(earlier, operation, authorizationId, amount)) return;
      if (earlier) throw keyReused(idempotencyKey!);
      throw refusal(operation, authorizationId, hold, amount);
    });
  }

  /** Moves the hold as `operation` does, if it matches; answers how many rows moved. */
  private async moveHold(
    manager: EntityManager,
    operation: Settlement,
    authorizationId: string,
    { amount, currency }: Money,
  ): Promise<number | undefined> {
    // Every placed order captures: that statement is built once. Refunds are rare.
    if (operation === 'capture')
      return this.capturedHold.run([authorizationId, 'held', amount, currency], { state: 'captured' }, manager);
    const moved = await manager
      .createQueryBuilder()
      .update(FakeProviderHoldRecord)
      .set({ state: () => REFUNDED })
      .where(
        'authorization_id = :authorizationId AND state IN (:...from) AND amount = :amount AND currency = :currency',
        {
          authorizationId,
          from: [...MOVABLE.refund],
          amount,
          currency,
        },
      )
      .execute();
    return moved.affected;
  }
}
