import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IdentityContract, type RegisterUser } from '@contracts/identity';
import { eventually, ModuleHarness } from '@seam/testing';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '@seam/transport';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityModule } from './identity.module.js';
import { SCRYPT_COST } from './infrastructure/password-hasher.js';

// Cheap hashing keeps the suite fast; everything else is as in production.
const cheapHashing = [{ provide: SCRYPT_COST, useValue: { N: 2 ** 10, r: 8, p: 1 } }];
const start = (database?: { kind: 'sqlite'; dataDir: string }) =>
  ModuleHarness.start({
    module: IdentityModule,
    name: 'identity',
    record: [IdentityContract.userRegistered],
    overrides: cheapHashing,
    database,
  });

const account = (email: string, overrides: Partial<RegisterUser> = {}): RegisterUser => ({
  email,
  password: 'difference-engine',
  name: 'Ada',
  ...overrides,
});

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => 'succeeded',
    (caught: unknown) => caught,
  );
}

/** Runs `work` with environment variables set (undefined: unset), then restores them. */
async function withEnv<T>(values: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (entries: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  try {
    return await work();
  } finally {
    apply(saved);
  }
}

describe('identity module, through its contract', () => {
  let harness: ModuleHarness;

  beforeAll(async () => {
    harness = await start();
  });
  afterAll(() => harness?.close());

  describe('registerUser → logIn → verifyToken → getUser', () => {
    it('gives a registered customer a token that speaks for them', async () => {
      const user = await harness.client.send(IdentityContract.registerUser, account('Ada@Example.com'));
      expect(user).toEqual({
        id: expect.any(String),
        email: 'ada@example.com',
        name: 'Ada',
        roles: ['customer'],
        createdAt: expect.any(String),
      });

      const session = await harness.client.send(IdentityContract.logIn, {
        email: 'ada@example.com',
        password: 'difference-engine',
      });
      expect(session).toMatchObject({ tokenType: 'Bearer', expiresIn: 3_600, user });

      const principal = await harness.client.send(IdentityContract.verifyToken, { token: session.accessToken });
      expect(principal).toEqual({ userId: user.id, email: 'ada@example.com', roles: ['customer'] });
      await expect(harness.client.send(IdentityContract.getUser, { userId: principal.userId })).resolves.toEqual(user);
    });

    it('publishes userRegistered', async () => {
      const user = await harness.client.send(
        IdentityContract.registerUser,
        account('grace@example.com', { name: 'Grace' }),
      );
      // The event is delivered asynchronously, after the answer.
      await eventually(() =>
        expect(harness.events(IdentityContract.userRegistered)).toContainEqual({
          id: expect.any(String),
          occurredAt: user.createdAt,
          userId: user.id,
          email: 'grace@example.com',
          name: 'Grace',
        }),
      );
    });
  });

  describe('registerUser', () => {
    it('refuses an email that is taken, also in another case', async () => {
      await harness.client.send(IdentityContract.registerUser, account('barbara@example.com'));
      await expect(
        harness.client.send(IdentityContract.registerUser, account('barbara@example.com')),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        harness.client.send(IdentityContract.registerUser, account('BARBARA@Example.COM')),
      ).rejects.toBeInstanceOf(ConflictError);
    });

    it('names the fields it refuses: bad email, short password, unknown field', async () => {
      const error = await failure(
        harness.client.send(IdentityContract.registerUser, {
          ...account('not-an-email', { password: 'short' }),
          admin: true,
        } as RegisterUser),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path).toSorted()).toEqual([
        'admin',
        'email',
        'password',
      ]);
    });
  });

  describe('logIn', () => {
    it('refuses a wrong password and an unknown email alike', async () => {
      await harness.client.send(IdentityContract.registerUser, account('alan@example.com'));
      const wrong = await failure(
        harness.client.send(IdentityContract.logIn, { email: 'alan@example.com', password: 'difference-engine!' }),
      );
      const unknown = await failure(
        harness.client.send(IdentityContract.logIn, { email: 'nobody@example.com', password: 'difference-engine' }),
      );
      expect(wrong).toBeInstanceOf(UnauthorizedError);
      expect(unknown).toBeInstanceOf(UnauthorizedError);
      expect((unknown as UnauthorizedError).toJSON()).toEqual((wrong as UnauthorizedError).toJSON());
      expect((wrong as UnauthorizedError).message).toBe('Invalid email or password');
    });
  });

  describe('grantRoles', () => {
    it('changes the roles that verifyToken reports, for a token issued before', async () => {
      const user = await harness.client.send(IdentityContract.registerUser, account('margaret@example.com'));
      const { accessToken } = await harness.client.send(IdentityContract.logIn, {
        email: 'margaret@example.com',
        password: 'difference-engine',
      });
      await expect(
        harness.client.send(IdentityContract.grantRoles, { userId: user.id, roles: ['customer', 'admin'] }),
      ).resolves.toMatchObject({
        roles: ['customer', 'admin'],
      });
      await expect(harness.client.send(IdentityContract.verifyToken, { token: accessToken })).resolves.toMatchObject({
        roles: ['customer', 'admin'],
      });
    });

    it('refuses an empty list, naming the field, and an unknown user', async () => {
      const user = await harness.client.send(IdentityContract.registerUser, account('katherine@example.com'));
      const error = await failure(harness.client.send(IdentityContract.grantRoles, { userId: user.id, roles: [] }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path)).toEqual(['roles']);
      const missing = { userId: '00000000-0000-4000-8000-000000000000', roles: ['admin' as const] };
      await expect(harness.client.send(IdentityContract.grantRoles, missing)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('verifyToken', () => {
    it('refuses garbage and an unsigned token', async () => {
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
      for (const token of ['garbage', unsigned]) {
        await expect(harness.client.send(IdentityContract.verifyToken, { token })).rejects.toBeInstanceOf(
          UnauthorizedError,
        );
      }
    });
  });
});

describe('identity module, restarted', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seam-identity-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps accepting its tokens after a restart, with no JWT_SECRET', async () => {
    await withEnv({ JWT_SECRET: undefined }, async () => {
      const first = await start({ kind: 'sqlite', dataDir });
      let token: string;
      try {
        await first.client.send(IdentityContract.registerUser, account('ada@example.com'));
        token = (
          await first.client.send(IdentityContract.logIn, { email: 'ada@example.com', password: 'difference-engine' })
        ).accessToken;
      } finally {
        await first.close();
      }
      const second = await start({ kind: 'sqlite', dataDir });
      try {
        await expect(second.client.send(IdentityContract.verifyToken, { token })).resolves.toMatchObject({
          email: 'ada@example.com',
        });
      } finally {
        await second.close();
      }
    });
  });

  it('refuses to start with a JWT_SECRET under 32 bytes', async () => {
    await withEnv({ JWT_SECRET: 'too-short' }, async () => {
      await expect(start()).rejects.toThrow('JWT_SECRET must be at least 32 bytes, got 9');
    });
  });
});
