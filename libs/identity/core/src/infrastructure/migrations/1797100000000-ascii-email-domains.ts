import type { MigrationInterface, QueryRunner } from 'typeorm';
import { normaliseEmail } from '../../domain/email.js';

/** Accounts read per round: bounded memory whatever the number of accounts. */
const PAGE_SIZE = 1_000;

/**
 * Rewrites every stored address to the spelling look-ups use now (`normaliseEmail`: the domain in
 * ASCII), so that `ada@bücher.de`, stored before domains were, is found by the unique index when
 * `ada@xn--bcher-kva.de` registers — one mailbox, one account. An address whose new spelling another
 * account already has is left as it is: two accounts cannot be merged by a migration, and
 * `UserRepository.findByEmail` answers the normalised one, as before.
 * Not undone by `down`: the ASCII spelling is the same address, and every release reads it.
 */
export class AsciiEmailDomains1797100000000 implements MigrationInterface {
  name = 'AsciiEmailDomains1797100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (let after = ''; ;) {
      const page = await queryRunner.manager
        .createQueryBuilder()
        .select(['account.id AS id', 'account.email AS email'])
        .from('user_account', 'account')
        .where('account.id > :after', { after })
        .orderBy('account.id')
        .limit(PAGE_SIZE)
        .getRawMany<{ id: string; email: string }>();
      for (const { id, email } of page) await respell(queryRunner, id, email);
      if (page.length < PAGE_SIZE) return;
      after = page.at(-1)!.id;
    }
  }

  async down(): Promise<void> {}
}

async function respell(queryRunner: QueryRunner, id: string, email: string): Promise<void> {
  const respelt = normaliseEmail(email);
  if (respelt === email) return;
  const taken = await queryRunner.manager
    .createQueryBuilder()
    .select('account.id', 'id')
    .from('user_account', 'account')
    .where('account.email = :respelt', { respelt })
    .getRawOne();
  if (taken) return;
  await queryRunner.manager
    .createQueryBuilder()
    .update('user_account')
    .set({ email: respelt })
    .where('id = :id', { id })
    .execute();
}
