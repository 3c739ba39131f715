import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ContractController,
  defineContract,
  event,
  Handle,
  InternalError,
  request,
  SeamClient,
  SeamTransportModule,
  Subscribe,
  ValidationError,
} from '@seam/transport';
import { IsInt, IsString, Min } from 'class-validator';
import { eventually } from '../eventually.js';
import { fakeOf } from './contract-fake.js';
import { ModuleHarness } from './module-harness.js';

class Quote {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity!: number;
}
class Price {
  @IsInt() cents!: number;
}
class Quoted {
  @IsString() sku!: string;
  @IsInt() cents!: number;
}

const PricingContract = defineContract('pricing', {
  quote: request({ pattern: 'pricing.quote-price', callers: ['shop'], request: Quote, response: Price }),
  unused: request({ pattern: 'pricing.list-prices', callers: ['shop'], request: Quote, response: Price }),
  changed: event({ pattern: 'pricing.price.changed', subscribers: ['shop'], payload: Quoted }),
});

/** The price changes shop heard of. */
const heardChanges: Quoted[] = [];
const ShopContract = defineContract('shop', {
  priceOf: request({ pattern: 'shop.price-item', callers: ['storefront'], request: Quote, response: Price }),
  quoted: event({ pattern: 'shop.item.quoted', subscribers: [], payload: Quoted }),
});

@ContractController(ShopContract)
class ShopController {
  constructor(private readonly seam: SeamClient) {}

  @Handle(ShopContract.priceOf)
  async priceOf(@Payload() quote: Quote): Promise<Price> {
    const price = await this.seam.send(PricingContract.quote, quote);
    await this.seam.emit(ShopContract.quoted, { sku: quote.sku, cents: price.cents });
    return price;
  }

  @Subscribe(PricingContract.changed)
  onChanged(@Payload() change: Quoted): void {
    heardChanges.push(change);
  }
}

@Module({ imports: [SeamTransportModule.forModule('shop')], controllers: [ShopController] })
class ShopModule {}

describe('ModuleHarness', () => {
  const pricing = fakeOf(PricingContract, { quote: (quote) => ({ cents: quote.quantity * 100 }) });
  let harness: ModuleHarness;

  beforeAll(async () => {
    harness = await ModuleHarness.start({
      module: ShopModule,
      name: 'shop',
      fakes: [pricing],
      record: [ShopContract.quoted],
    });
  });
  afterAll(() => harness?.close());

  it('runs the module with the fake answering its calls, and records what the fake received', async () => {
    await expect(harness.client.send(ShopContract.priceOf, { sku: 'A', quantity: 3 })).resolves.toEqual({ cents: 300 });
    expect(pricing.calls('quote')).toEqual([{ sku: 'A', quantity: 3 }]);
  });

  it('records the events the module publishes', async () => {
    await harness.client.send(ShopContract.priceOf, { sku: 'B', quantity: 1 });
    // Events are delivered asynchronously: the reply may come back before the recorder has it.
    await eventually(() =>
      expect(harness.events(ShopContract.quoted)).toEqual(expect.arrayContaining([{ sku: 'B', cents: 100 }])),
    );
  });

  it('lets a test change how the fake answers', async () => {
    pricing.respond('quote', () => ({ cents: 1 }));
    await expect(harness.client.send(ShopContract.priceOf, { sku: 'C', quantity: 9 })).resolves.toEqual({ cents: 1 });
  });

  it("sends an event to the module under test as its publisher's", async () => {
    await harness.client.emit(PricingContract.changed, { sku: 'D', cents: 7 });
    await eventually(() => expect(heardChanges).toEqual([{ sku: 'D', cents: 7 }]));
  });

  it('validates calls at the fake’s door, as the real module would', async () => {
    const fakeOnly = fakeOf(PricingContract);
    const direct = await ModuleHarness.start({ module: ShopModule, name: 'shop', fakes: [fakeOnly] });
    try {
      await expect(direct.client.send(PricingContract.quote, { sku: 'A', quantity: 0 })).rejects.toBeInstanceOf(
        ValidationError,
      );
      const error = await direct.client
        .send(PricingContract.unused, { sku: 'A', quantity: 1 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InternalError); // an entry the test did not fake
    } finally {
      await direct.close();
    }
  });
});
