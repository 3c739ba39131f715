import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { isUniqueViolation } from '@seam/persistence';
import { SigningKeyRecord } from './signing-key.record.js';

/** The secrets the identity module generated for itself, in its own database. */
@Injectable()
export class SigningKeyRepository {
  constructor(@InjectRepository(SigningKeyRecord, 'identity') private readonly records: Repository<SigningKeyRecord>) {}

  /**
   * The stored secret for `id`; when there is none, stores `generate()` and returns it. Two
   * processes starting at once on one database agree on one secret: the loser of the insert
   * reads the winner's.
   */
  async getOrCreate(id: string, generate: () => Uint8Array): Promise<Uint8Array> {
    const existing = await this.records.findOneBy({ id });
    if (existing) return Buffer.from(existing.secret, 'base64');
    const secret = generate();
    try {
      await this.records.insert({
        id,
        secret: Buffer.from(secret).toString('base64'),
        createdAt: new Date().toISOString(),
      });
      return secret;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.records.findOneByOrFail({ id });
      return Buffer.from(winner.secret, 'base64');
    }
  }
}
