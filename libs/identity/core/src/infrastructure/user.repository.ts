import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, In, type Repository } from 'typeorm';
import { IdentityContract } from '@contracts/identity';
import { Outbox } from '@seam/messaging';
import { inTransaction, isUniqueViolation, PreparedRead } from '@seam/persistence';
import { legacyEmailSpelling, normaliseEmail } from '../domain/email.js';
import { isRole } from '../domain/roles.js';
import type { User } from '../domain/user.js';
import { registeredEvent } from '../user.views.js';
import { UserRecord } from './user.record.js';

/** The identity's accounts, in its own database. */
@Injectable()
export class UserRepository {
  private readonly byId: PreparedRead<UserRecord>;
  /** Every verified token reads its account's access: the query is built once (see PreparedRead). */
  private readonly accessById: PreparedRead<UserRecord, 'id' | 'email' | 'roles' | 'tokenVersion'>;

  constructor(
    @InjectRepository(UserRecord, 'identity') private readonly records: Repository<UserRecord>,
    @InjectDataSource('identity') private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.byId = new PreparedRead(records, { where: ['id'], limit: 1 });
    this.accessById = new PreparedRead(records, {
      where: ['id'],
      select: ['id', 'email', 'roles', 'tokenVersion'],
      limit: 1,
    });
  }

  async findById(id: string): Promise<User | undefined> {
    const record = await this.byId.first([id]);
    return record ? toUser(record) : undefined;
  }

  /**
   * What a verified token speaks for: the account's id, email, roles and token version as they are
   * now, or `undefined`. Read on every authenticated request, so it reads those columns only: the
   * password hash stays in the database.
   */
  async findAccess(id: string): Promise<Pick<User, 'id' | 'email' | 'roles' | 'tokenVersion'> | undefined> {
    const record = await this.accessById.first([id]);
    return record
      ? { id: record.id, email: record.email, roles: rolesOf(record.roles), tokenVersion: record.tokenVersion }
      : undefined;
  }

  /**
   * The account of `email`, in any case or spacing, its domain in Unicode or ASCII. An account
   * stored before domains were stored in ASCII is found under its old spelling (see
   * `legacyEmailSpelling`); should both spellings have an account, the normalised one answers.
   */
  async findByEmail(email: string): Promise<User | undefined> {
    const normalised = normaliseEmail(email);
    const legacy = legacyEmailSpelling(email);
    const records = await this.records.findBy({ email: legacy ? In([normalised, legacy]) : normalised });
    const record = records.find((found) => found.email === normalised) ?? records[0];
    return record ? toUser(record) : undefined;
  }

  /**
   * Inserts an account and its `identity.user.registered` event (outbox), in one transaction;
   * false when its email is taken (also when a concurrent insert took it first).
   */
  async insert(user: User): Promise<boolean> {
    try {
      await inTransaction(this.dataSource, async (manager) => {
        await manager.insert(UserRecord, toRecord(user));
        await this.outbox.add(manager, IdentityContract.userRegistered, registeredEvent(user), {
          aggregateId: user.id,
        });
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Replaces an account's password hash by a stronger hash of the same password, only if it is
   * still `previousHash`: a concurrent change is never overwritten. Whether it was replaced.
   * `updatedAt` stays: nothing the account shows has changed.
   */
  async upgradePasswordHash(id: string, previousHash: string, newHash: string): Promise<boolean> {
    const result = await this.records.update({ id, passwordHash: previousHash }, { passwordHash: newHash });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Raises the account's token version, so that every token issued before stops verifying.
   * Whether the account exists. `updatedAt` stays: nothing the account shows has changed.
   */
  async revokeTokens(id: string): Promise<boolean> {
    const result = await this.records
      .createQueryBuilder()
      .update()
      .set({ tokenVersion: () => 'token_version + 1' })
      .where('id = :id', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Stores `newHash` as the password of `user` and raises its token version by one, only if
   * neither changed since `user` was read, and answers the account as stored: of two concurrent
   * changes, one wins and the other is told (`undefined`), never silently overwritten.
   */
  async changePassword(user: User, newHash: string, now: Date): Promise<User | undefined> {
    const changed = { passwordHash: newHash, tokenVersion: user.tokenVersion + 1, updatedAt: now.toISOString() };
    const result = await this.records.update(
      { id: user.id, passwordHash: user.passwordHash, tokenVersion: user.tokenVersion },
      changed,
    );
    return (result.affected ?? 0) > 0 ? { ...user, ...changed } : undefined;
  }

  /** Stores the roles of an existing account. */
  async saveRoles(user: User): Promise<void> {
    await this.records.update({ id: user.id }, { roles: user.roles.join(','), updatedAt: user.updatedAt });
  }
}

function toUser(record: UserRecord): User {
  return {
    id: record.id,
    email: record.email,
    name: record.name,
    roles: rolesOf(record.roles),
    passwordHash: record.passwordHash,
    tokenVersion: record.tokenVersion,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function toRecord(user: User): UserRecord {
  return Object.assign(new UserRecord(), {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles.join(','),
    passwordHash: user.passwordHash,
    tokenVersion: user.tokenVersion,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  });
}

/** The roles stored as a list: one this version does not know (written by a newer one) grants nothing here. */
function rolesOf(stored: string): User['roles'] {
  return stored.split(',').filter(isRole);
}
