import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Payment as PaymentView } from '@contracts/payments';
import { Outbox } from '@seam/messaging';
import {
  commitWith,
  inTransaction,
  isUniqueViolation,
  PreparedInsert,
  PreparedRead,
  PreparedUpdate,
} from '@seam/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { KeyedOperation, KeyUse } from '../domain/idempotency.js';
import { nextStatus, type Payment, type PaymentCommand } from '../domain/payment.js';
import { abandonedAfterMs } from './abandoned-claim.js';
import { IdempotencyRecord } from './idempotency.record.js';
import { eventEntryOf, eventOf } from '../payment.views.js';
import { DEFAULT_PAYMENTS_CONFIG, PAYMENTS_CONFIG, type PaymentsConfig } from '../payments.config.js';
import { PaymentRecord } from './payment.record.js';
import { toPayment, toPaymentRecord } from './payment.repository.js';

/** A request claiming an idempotency key. */
export interface KeyClaim {
  key: string;
  operation: KeyedOperation;
  requestHash: string;
  /** The card's keyed fingerprint (authorize only). */
  cardFingerprint?: string;
  /** The payment it creates (authorize) or acts on (capture, refund). */
  paymentId: string;
}

/**
 * A request's hold on its key: `token` tells this claim from a later one of the same key (one that
 * took it over when this request was thought dead). Releasing and answering are fenced by it.
 */
export interface KeyHold {
  key: string;
  token: string;
}

/** The key was free and is now this request's; for a command, the payment is locked for it. */
export type Claimed = { kind: 'claimed'; hold: KeyHold; payment?: Payment };
/** The key was claimed before, by this request or another. */
export type Taken = { kind: 'taken'; use: KeyUse<PaymentView> };
/** Why a command could not claim its key (nothing was written). */
export type Refused = { kind: 'not-found' } | { kind: 'illegal'; payment: Payment } | { kind: 'busy' };

/** Leaves a transaction with an answer, rolling back what it wrote. */
class Rollback {
  constructor(readonly outcome: Refused) {}
}

/**
 * The idempotency keys and the writes that go with them. A key is claimed by inserting its row
 * (`in_progress`); only the claimant calls the provider; then the payment and the answer are
 * stored together in one transaction, or the claim is released when the provider failed.
 */
@Injectable()
export class IdempotencyRepository {
  /** The reads and writes every authorization and capture makes, their SQL built once (see `PreparedRead`). */
  private readonly keyRecord: PreparedRead<IdempotencyRecord>;
  private readonly paymentRecord: PreparedRead<PaymentRecord>;
  private readonly keyAnswer: PreparedUpdate<IdempotencyRecord>;
  private readonly commandOutcome: PreparedUpdate<PaymentRecord>;
  private readonly paymentLock: PreparedUpdate<PaymentRecord>;
  private readonly newKey: PreparedInsert<IdempotencyRecord>;
  private readonly newPayment: PreparedInsert<PaymentRecord>;

  /** After how long an unanswered claim counts as abandoned (see {@link abandonedAfterMs}). */
  private readonly abandonedMs: number;

  constructor(
    @InjectDataSource('payments') private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(PAYMENTS_CONFIG) config: Pick<PaymentsConfig, 'providerTimeoutMs'> = DEFAULT_PAYMENTS_CONFIG,
  ) {
    this.abandonedMs = abandonedAfterMs(config.providerTimeoutMs);
    this.keyRecord = new PreparedRead(dataSource.getRepository(IdempotencyRecord), { where: ['key'], limit: 1 });
    this.paymentRecord = new PreparedRead(dataSource.getRepository(PaymentRecord), { where: ['id'], limit: 1 });
    this.keyAnswer = new PreparedUpdate(dataSource.getRepository(IdempotencyRecord), {
      where: ['key', 'claimToken', 'state'],
      set: ['state', 'response', 'updatedAt'],
    });
    this.newKey = new PreparedInsert(dataSource.getRepository(IdempotencyRecord));
    this.newPayment = new PreparedInsert(dataSource.getRepository(PaymentRecord));
    this.commandOutcome = new PreparedUpdate(dataSource.getRepository(PaymentRecord), {
      where: ['id', 'pendingKey'],
      set: ['status', 'updatedAt', 'pendingKey'],
    });
    this.paymentLock = new PreparedUpdate(dataSource.getRepository(PaymentRecord), {
      where: ['id', 'status'],
      whereNull: ['pendingKey'],
      set: ['pendingKey'],
    });
  }

  /** Claims a key for a request that creates a payment (authorize). */
  async claimNew(claim: KeyClaim, now: Date): Promise<Claimed | Taken> {
    // No payment to lock, so none of the refusals can happen.
    return (await this.claim(claim, now, async () => undefined)) as Claimed | Taken;
  }

  /**
   * Claims a key for `command` on an existing payment and, in the same transaction, locks the
   * payment for it, so that no other key's command reaches the provider meanwhile.
   */
  claimFor(claim: KeyClaim, command: PaymentCommand, now: Date): Promise<Claimed | Taken | Refused> {
    return this.claim(claim, now, async (manager) => {
      const record = await this.paymentRecord.first([claim.paymentId], manager);
      if (!record) throw new Rollback({ kind: 'not-found' });
      const payment = toPayment(record);
      if (!nextStatus(payment.status, command)) throw new Rollback({ kind: 'illegal', payment });
      // This claim's own key too: its row is gone by now (it was free, or abandoned and just
      // released), so a lock in its name is one whose row was pruned (see IdempotencyPruning).
      if (record.pendingKey) await this.releaseIfAbandoned(manager, record.pendingKey, claim.paymentId, now);
      // Conditional on what was read: on PostgreSQL a concurrent locker commits first or waits here.
      const locked = await this.paymentLock.run([claim.paymentId, record.status], { pendingKey: claim.key }, manager);
      if (locked !== 1) throw new Rollback({ kind: 'busy' });
      return payment;
    });
  }

  /**
   * Forgets an unanswered claim (the provider failed), and unlocks its payment: a retry starts
   * afresh. Only `hold`'s own claim: one that took the key over since is left as it is.
   */
  async release(hold: KeyHold, paymentId: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const { affected } = await manager
        .getRepository(IdempotencyRecord)
        .delete({ key: hold.key, claimToken: hold.token, state: 'in_progress' });
      // The payment's lock names the key, not the claim: after a takeover it is the new claimant's.
      if (affected !== 1) return;
      await manager.getRepository(PaymentRecord).update({ id: paymentId, pendingKey: hold.key }, { pendingKey: null });
    });
  }

  /**
   * Stores the payment an authorization created, its event (outbox), and the answer under its key.
   * Answers `false`, storing nothing, when `hold` lost its claim (taken over as abandoned).
   */
  async completeNew(hold: KeyHold, payment: Payment, response: PaymentView): Promise<boolean> {
    return this.completing(async (manager) => {
      await this.newPayment.run([toPaymentRecord(payment)], manager);
      await this.complete(manager, hold, response, payment.updatedAt);
      await commitWith(manager, () => this.announce(manager, payment));
    });
  }

  /**
   * Stores a payment's new state after a command and its event (outbox), unlocks it, and stores
   * the answer under the key. Answers `false`, storing nothing, when `hold` lost its claim.
   */
  async completeCommand(hold: KeyHold, payment: Payment, response: PaymentView): Promise<boolean> {
    return this.completing(async (manager) => {
      // The claim first: a claimant that lost it must not touch the lock its successor holds.
      await this.complete(manager, hold, response, payment.updatedAt);
      const updated = await this.commandOutcome.run(
        [payment.id, hold.key],
        { status: payment.status, updatedAt: payment.updatedAt, pendingKey: null },
        manager,
      );
      // Only the claim's own lock is released with its answer; anything else is a bug, kept in progress.
      if (updated !== 1) throw new Error(`Payment ${payment.id} is not locked by this key`);
      await commitWith(manager, () => this.announce(manager, payment));
    });
  }

  /** Runs `store` in a transaction; `false` when it found its claim lost (and rolled back). */
  private async completing(store: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    try {
      await inTransaction(this.dataSource, store);
      return true;
    } catch (error) {
      if (error instanceof ClaimLost) return false;
      throw error;
    }
  }

  /**
   * Stores the answer under its key, if the claim is still `hold`'s: a retry of the same request
   * gets it back.
   *
   * @throws ClaimLost when another claim took the key over (or it is no longer in progress).
   */
  private async complete(manager: EntityManager, hold: KeyHold, response: PaymentView, at: string): Promise<void> {
    const updated = await this.keyAnswer.run(
      [hold.key, hold.token, 'in_progress'],
      { state: 'completed', response: JSON.stringify(response), updatedAt: at },
      manager,
    );
    if (updated !== 1) throw new ClaimLost();
  }

  private async announce(manager: EntityManager, payment: Payment): Promise<void> {
    await this.outbox.add(manager, eventEntryOf(payment), eventOf(payment), { aggregateId: payment.id });
  }

  private async claim(
    claim: KeyClaim,
    now: Date,
    lock: (manager: EntityManager) => Promise<Payment | undefined>,
  ): Promise<Claimed | Taken | Refused> {
    try {
      return await inTransaction(this.dataSource, async (manager): Promise<Claimed | Taken> => {
        const existing = await this.keyRecord.first([claim.key], manager);
        if (existing && !this.isAbandoned(existing, now)) return { kind: 'taken', use: toKeyUse(existing) };
        // Its claimant died: free the key and the payment it locked, then claim afresh.
        if (existing) await this.releaseIfAbandoned(manager, claim.key, existing.paymentId, now);
        const payment = await lock(manager);
        const hold = { key: claim.key, token: randomUUID() };
        // A concurrent claim of the key makes this insert fail (unique violation): a refusal by error,
        // so it can carry the commit (see commitWith).
        await commitWith(manager, () => this.newKey.run([newKeyRecord(claim, hold.token, now)], manager));
        return payment ? { kind: 'claimed', hold, payment } : { kind: 'claimed', hold };
      });
    } catch (error) {
      if (error instanceof Rollback)
        return error.outcome.kind === 'busy' ? ((await this.taken(claim)) ?? error.outcome) : error.outcome;
      if (!isUniqueViolation(error)) throw error;
      // A concurrent claim of the same key committed first (PostgreSQL; SQLite runs these one at a time).
      // If it is gone again, its provider call failed and it was released: in progress, seen from here.
      return (
        (await this.taken(claim)) ?? {
          kind: 'taken',
          use: {
            operation: claim.operation,
            requestHash: claim.requestHash,
            ...(claim.cardFingerprint === undefined ? {} : { cardFingerprint: claim.cardFingerprint }),
            state: 'in_progress',
          },
        }
      );
    }
  }

  /**
   * The key's use, if a concurrent request of the same key claimed it: that request's lock is what
   * made this one's payment look busy, and it is the better answer.
   */
  private async taken(claim: KeyClaim): Promise<Taken | undefined> {
    const winner = await inTransaction(this.dataSource, (manager) =>
      manager.getRepository(IdempotencyRecord).findOneBy({ key: claim.key }),
    );
    return winner ? { kind: 'taken', use: toKeyUse(winner) } : undefined;
  }

  /**
   * Frees a payment locked by a key whose claimant died (its claim abandoned, or its row pruned
   * since): the key is forgotten, so that its own request starts afresh if it ever comes again. The provider call the
   * dead claimant may have made is harmless to what follows: a refund settles a hold whether it was
   * captured or not. Should the claimant be alive after all, its claim token no longer matches:
   * it can neither answer nor release what comes next.
   */
  private async releaseIfAbandoned(manager: EntityManager, key: string, paymentId: string, now: Date): Promise<void> {
    const holder = await manager.getRepository(IdempotencyRecord).findOneBy({ key });
    if (holder && !this.isAbandoned(holder, now)) return;
    await manager.getRepository(IdempotencyRecord).delete({ key, state: 'in_progress' });
    await manager.getRepository(PaymentRecord).update({ id: paymentId, pendingKey: key }, { pendingKey: null });
  }

  private isAbandoned(record: IdempotencyRecord, now: Date): boolean {
    return record.state === 'in_progress' && now.getTime() - Date.parse(record.updatedAt) > this.abandonedMs;
  }
}

/** Leaves a completing transaction whose claim was taken over, rolling back what it wrote. */
class ClaimLost {}

function newKeyRecord(claim: KeyClaim, claimToken: string, now: Date): IdempotencyRecord {
  const at = now.toISOString();
  return Object.assign(new IdempotencyRecord(), {
    ...claim,
    claimToken,
    cardFingerprint: claim.cardFingerprint ?? null,
    state: 'in_progress',
    response: null,
    createdAt: at,
    updatedAt: at,
  });
}

function toKeyUse(record: IdempotencyRecord): KeyUse<PaymentView> {
  return {
    operation: record.operation as KeyedOperation,
    requestHash: record.requestHash,
    ...(record.cardFingerprint === null ? {} : { cardFingerprint: record.cardFingerprint }),
    state: record.state === 'completed' ? 'completed' : 'in_progress',
    ...(record.response === null ? {} : { response: JSON.parse(record.response) as PaymentView }),
  };
}
