// Contract handlers Seam invokes directly (no Nest per-call pipeline) answer exactly as Nest's
// pipeline would: the same responses, the same validation errors, the same masked internal errors,
// the context parameter, observable and async results. Handlers with anything of Nest's pipeline
// to run (a guard, an interceptor, another pipe, a custom parameter, a global enhancer or a
// pre-request hook) keep Nest's pipeline, and their enhancers still run.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  type CanActivate,
  createParamDecorator,
  Injectable,
  type INestApplication,
  Module,
  UseGuards,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import {
  callContextOf,
  ContractController,
  defineContract,
  fastHandlers,
  Handle,
  HttpOnlyEnhancer,
  InProcessBus,
  NotFoundError,
  request,
  SeamClient,
  SeamTransportModule,
  startSeamServers,
} from '@seam/transport';
import { IsInt, IsString, Min } from 'class-validator';
import { of } from 'rxjs';

class Item {
  @IsString() name!: string;
  @IsInt() @Min(1) count!: number;
}

const ANY = ['*'];
const Shop = defineContract('shop', {
  echo: request({ pattern: 'shop.echo-item', callers: ANY, request: Item, response: Item }),
  caller: request({ pattern: 'shop.name-caller', callers: ANY, request: Item, response: Item }),
  missing: request({ pattern: 'shop.find-missing', callers: ANY, request: Item, response: Item }),
  broken: request({ pattern: 'shop.break-item', callers: ANY, request: Item, response: Item }),
  observed: request({ pattern: 'shop.observe-item', callers: ANY, request: Item, response: Item }),
  guarded: request({ pattern: 'shop.guard-item', callers: ANY, request: Item, response: Item }),
  custom: request({ pattern: 'shop.shout-name', callers: ANY, request: Item, response: Item }),
  plain: request({ pattern: 'shop.plain-item', callers: ANY, request: Item, response: Item }),
  reversed: request({ pattern: 'shop.reverse-args', callers: ANY, request: Item, response: Item }),
});

const guardRuns = { count: 0 };
@Injectable()
class CountingGuard implements CanActivate {
  canActivate(): boolean {
    guardRuns.count++;
    return true;
  }
}

const Shout = createParamDecorator((_data: unknown, context) =>
  String(context.switchToRpc().getData().name).toUpperCase(),
);

@ContractController(Shop)
class ShopController {
  @Handle(Shop.echo)
  echo(@Payload() item: Item): Item {
    return { name: item.name, count: item.count };
  }

  @Handle(Shop.caller)
  async caller(@Payload() item: Item, @Ctx() context: object): Promise<Item> {
    return { name: callContextOf(context).caller, count: item.count };
  }

  @Handle(Shop.missing)
  missing(@Payload() item: Item): Item {
    throw new NotFoundError(`No ${item.name}`, { name: item.name });
  }

  @Handle(Shop.broken)
  async broken(): Promise<Item> {
    throw new TypeError('secret detail');
  }

  @Handle(Shop.observed)
  observed(@Payload() item: Item) {
    return of({ name: 'first', count: 1 }, { name: item.name, count: item.count });
  }

  @Handle(Shop.guarded)
  @UseGuards(CountingGuard)
  guarded(@Payload() item: Item): Item {
    return item;
  }

  @Handle(Shop.plain)
  plain(item: Item, ...rest: unknown[]): Item {
    // No parameter decorator: Nest passes the validated payload alone.
    return { name: `${item.name}:${rest.length}`, count: item.count };
  }

  @Handle(Shop.reversed)
  reversed(@Ctx() context: object, @Payload() item: Item, ...rest: unknown[]): Item {
    // The context first, the payload second: the order Seam composes must follow the decorators.
    return { name: `${callContextOf(context).caller}:${item.name}:${rest.length}`, count: item.count };
  }

  @Handle(Shop.custom)
  custom(@Payload() item: Item, @Shout() name: string): Item {
    return { name, count: item.count };
  }
}

@HttpOnlyEnhancer()
@Injectable()
class HttpOnlyGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

async function shopApp(options: { directHandlers?: boolean; globalGuard?: 'http-only' | 'any' } = {}) {
  @Module({
    imports: [
      SeamTransportModule.forRoot({
        hosted: ['shop'],
        bus: new InProcessBus(),
        directHandlers: options.directHandlers,
      }),
      SeamTransportModule.forModule('tester'),
    ],
    controllers: [ShopController],
    providers: [
      CountingGuard,
      ...(options.globalGuard
        ? [{ provide: APP_GUARD, useClass: options.globalGuard === 'any' ? CountingGuard : HttpOnlyGuard }]
        : []),
    ],
  })
  class ShopApp {}
  const moduleRef = await Test.createTestingModule({ imports: [ShopApp] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await startSeamServers(app);
  await app.init();
  return app;
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ value }),
    (error: { code?: string; message?: string; details?: unknown }) => ({
      error: { name: (error as Error).name, code: error.code, message: error.message, details: error.details },
    }),
  );

/** Every kind of answer, through `app`'s client. */
async function answers(app: INestApplication) {
  const client = app.get(SeamClient);
  return {
    echo: await outcome(client.send(Shop.echo, { name: 'tea', count: 2 })),
    invalid: await outcome(client.send(Shop.echo, { name: 7, count: 0, extra: true } as never)),
    caller: await outcome(client.send(Shop.caller, { name: 'x', count: 1 })),
    missing: await outcome(client.send(Shop.missing, { name: 'cup', count: 1 })),
    broken: await outcome(client.send(Shop.broken, { name: 'cup', count: 1 })),
    observed: await outcome(client.send(Shop.observed, { name: 'last', count: 3 })),
    guarded: await outcome(client.send(Shop.guarded, { name: 'g', count: 1 })),
    custom: await outcome(client.send(Shop.custom, { name: 'loud', count: 1 })),
    plain: await outcome(client.send(Shop.plain, { name: 'p', count: 2 })),
    plainInvalid: await outcome(client.send(Shop.plain, { name: 'p', count: 0 })),
    reversed: await outcome(client.send(Shop.reversed, { name: 'r', count: 4 })),
  };
}

describe('handlers Seam invokes directly', () => {
  const apps: INestApplication[] = [];
  const start = async (options?: Parameters<typeof shopApp>[0]) => {
    const app = await shopApp(options);
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('composes only the handlers with nothing of Nest pipeline to run', async () => {
    const app = await start();
    expect([...fastHandlers(app).keys()].toSorted()).toEqual([
      'shop.break-item',
      'shop.echo-item',
      'shop.find-missing',
      'shop.name-caller',
      'shop.observe-item',
      'shop.plain-item',
      'shop.reverse-args',
    ]);
  });

  it('answers every call exactly as through Nest pipeline, and still runs the guard of a guarded handler', async () => {
    const viaNest = await answers(await start({ directHandlers: false }));
    const before = guardRuns.count;
    const direct = await answers(await start());
    expect(direct).toEqual(viaNest);
    expect(guardRuns.count).toBe(before + 1);
    expect(direct.echo).toEqual({ value: { name: 'tea', count: 2 } });
    expect(direct.invalid).toMatchObject({ error: { code: 'VALIDATION' } });
    expect(direct.caller).toEqual({ value: { name: 'tester', count: 1 } });
    expect(direct.broken).toMatchObject({ error: { code: 'INTERNAL' } });
    expect(JSON.stringify(direct.broken)).not.toContain('secret detail');
    expect(direct.observed).toEqual({ value: { name: 'last', count: 3 } });
    expect(direct.custom).toEqual({ value: { name: 'LOUD', count: 1 } });
    expect(direct.plain).toEqual({ value: { name: 'p:0', count: 2 } });
    expect(direct.plainInvalid).toMatchObject({ error: { code: 'VALIDATION' } });
    expect(direct.reversed).toEqual({ value: { name: 'tester:r:0', count: 4 } });
  });

  it('keeps Nest pipeline for every handler under a global guard, unless the guard is HTTP-only', async () => {
    expect(fastHandlers(await start({ globalGuard: 'any' })).size).toBe(0);
    expect(fastHandlers(await start({ globalGuard: 'http-only' })).size).toBe(7);
  });
});
