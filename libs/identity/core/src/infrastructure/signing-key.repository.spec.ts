import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import type { DataSource } from 'typeorm';
import { identityData } from '../identity.data.js';
import { SigningKeyRecord } from './signing-key.record.js';
import { SigningKeyRepository } from './signing-key.repository.js';

describe('SigningKeyRepository', () => {
  let dataSource: DataSource;
  let keys: SigningKeyRepository;

  beforeAll(async () => {
    dataSource = await openDataSource(dataSourceOptions(identityData, { kind: 'memory' }));
    keys = new SigningKeyRepository(dataSource.getRepository(SigningKeyRecord));
  });
  afterAll(() => dataSource?.destroy());

  describe('getOrCreate', () => {
    it('stores the generated secret once and answers it from then on', async () => {
      const first = Uint8Array.from({ length: 32 }, (_, index) => index);
      const second = Uint8Array.from({ length: 32 }, () => 7);
      expect([...(await keys.getOrCreate('k-1', () => first))]).toEqual([...first]);
      expect([...(await keys.getOrCreate('k-1', () => second))]).toEqual([...first]);
    });

    it('lets two concurrent first starts agree on one secret', async () => {
      const [a, b] = await Promise.all([
        keys.getOrCreate('k-2', () => Uint8Array.from({ length: 32 }, () => 1)),
        keys.getOrCreate('k-2', () => Uint8Array.from({ length: 32 }, () => 2)),
      ]);
      expect([...a]).toEqual([...b]);
      expect(await dataSource.getRepository(SigningKeyRecord).countBy({ id: 'k-2' })).toBe(1);
    });
  });
});
