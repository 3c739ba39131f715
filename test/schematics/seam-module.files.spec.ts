// What the seam-module schematic's files say, on in-memory files (see support/schematic-cases.ts):
// the module publishes its event as the reference modules do, through the transactional outbox, and
// docs/adding-a-module.md lists the files it creates as it creates them. The generated module's own
// specs, run by seam-module.cli.spec.ts, show the outbox at work.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { generated, repositoryText, runCases, type SchematicResult, TIMESTAMP } from './support/schematic-cases.js';

/** The module of docs/adding-a-module.md, on the fixture (the repository with its five modules). */
const NAME = 'shipping';

let results: Map<string, SchematicResult>;
beforeAll(() => {
  results = runCases([{ id: NAME, options: { name: NAME } }]);
});

/** The files the generator created for the module (its libs and its service app). */
function created(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(generated(results, NAME)).filter(
      ([path]) => path.startsWith(`libs/${NAME}/`) || path.startsWith(`apps/${NAME}-service/`),
    ),
  );
}

describe('seam-module schematic: what its files say', () => {
  describe('its event', () => {
    let core: (path: string) => string;
    beforeAll(() => {
      const files = created();
      core = (path) => files[`libs/${NAME}/core/src/${path}`] ?? `(no ${path})`;
    });

    it('goes through the module messaging, whose tables and inbox index its own migrations create, in that order', () => {
      expect(core(`${NAME}.module.ts`)).toContain('SeamMessagingModule.forModule(ShippingContract),');
      expect(core(`${NAME}.data.ts`)).toContain(
        `migrations: [CreateItem${TIMESTAMP}, CreateShippingMessaging${TIMESTAMP + 1}, IndexShippingInbox${TIMESTAMP + 2}]`,
      );
      expect(core(`infrastructure/migrations/${TIMESTAMP + 1}-create-shipping-messaging.ts`)).toMatch(
        /class CreateShippingMessaging1800000000001 [\s\S]*await createMessagingTables\(queryRunner\);[\s\S]*await dropMessagingTables\(queryRunner\);/,
      );
      expect(core(`infrastructure/migrations/${TIMESTAMP + 2}-index-shipping-inbox.ts`)).toMatch(
        /class IndexShippingInbox1800000000002 [\s\S]*await createInboxReceivedAtIndex\(queryRunner\);[\s\S]*await dropInboxReceivedAtIndex\(queryRunner\);/,
      );
    });

    it('is written to the outbox in the transaction that stores the item, and nothing emits it around the outbox', () => {
      expect(core('infrastructure/item.repository.ts')).toMatch(
        /await inTransaction\(this\.dataSource, async \(manager\) => \{\n\s+await manager\.insert\(ItemRecord, [^\n]*\n\s+await this\.outbox\.add\(manager, ShippingContract\.itemCreated, createdEvent\(item\), \{ aggregateId: item\.id \}\);\n\s+\}\);/,
      );
      const emitting = Object.entries(created()).filter(([, text]) => /\.emit\(|SeamClient/.test(text));
      expect(emitting.map(([path]) => path)).toEqual([]);
    });

    it('is promised at least once, through the outbox, by its contract', () => {
      // The TSDoc read as prose, without the asterisks that begin its lines.
      const contract = created()[`libs/${NAME}/contracts/src/${NAME}.contract.ts`]!.replace(/\n\s*\* ?/g, ' ');
      expect(contract).toMatch(/Event: an item was created\.[^/]*outbox[^/]*at least once/);
      expect(contract).not.toMatch(/at most once/);
    });
  });

  describe('docs/adding-a-module.md', () => {
    it('lists every file the generator creates, with its size, as it prints them', () => {
      const stamps: Record<string, number> = { '': TIMESTAMP, '+1': TIMESTAMP + 1, '+2': TIMESTAMP + 2 };
      const documented = [
        ...repositoryText('docs/adding-a-module.md').matchAll(/^CREATE (\S+) \((\d+) bytes\)$/gm),
      ].map(
        ([, path, size]) => `${path!.replace(/<timestamp(\+\d)?>/, (_, plus = '') => String(stamps[plus]))} ${size}`,
      );
      const sizes = Object.entries(created()).map(([path, text]) => `${path} ${Buffer.byteLength(text)}`);
      expect(documented.toSorted()).toEqual(sizes.toSorted());
    });
  });
});
