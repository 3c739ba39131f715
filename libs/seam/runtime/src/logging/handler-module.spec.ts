import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { eventually } from '@seam/testing';
import {
  CallContext,
  ContractController,
  currentCallContext,
  defineContract,
  event,
  Handle,
  InProcessBus,
  request,
  runInCallScope,
  SeamClient,
  SeamTransportModule,
  startSeamServers,
  Subscribe,
  TransportRouter,
} from '@seam/transport';
import { IsString } from 'class-validator';
import { callFields } from './seam-logger.js';

class Note {
  @IsString() text!: string;
}

const ShelfContract = defineContract('shelf', {
  store: request({ pattern: 'shelf.store-note', callers: ['*'], request: Note, response: Note }),
  stored: event({ pattern: 'shelf.note.stored', subscribers: ['*'], payload: Note }),
});
const ReaderContract = defineContract('reader', {});

/** What a log line would carry (`callFields`), as each handler saw it. */
const seen: Record<string, ReturnType<typeof callFields>> = {};

@ContractController(ShelfContract)
class ShelfController {
  @Handle(ShelfContract.store)
  store(@Payload() note: Note): Note {
    seen.store = callFields();
    return note;
  }
}

@ContractController(ReaderContract)
class ReaderController {
  @Subscribe(ShelfContract.stored)
  onStored(): void {
    seen.stored = callFields();
  }
}

@Module({ imports: [SeamTransportModule.forModule('edge')], controllers: [ShelfController, ReaderController] })
class ShelfModule {}

describe('the module of a log line inside a handler (from the call context)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SeamTransportModule.forRoot({ hosted: ['shelf', 'reader'], bus: new InProcessBus() }), ShelfModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await startSeamServers(app);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('names the answering module in the lines of a request handler, with the trace of the call', async () => {
    const call = CallContext.root({ caller: 'edge', budgetMs: 1_000 });
    await runInCallScope(call, () => app.get(SeamClient).send(ShelfContract.store, { text: 'hello' }));
    expect(seen.store).toEqual({ traceId: call.correlationId, module: 'shelf' });
  });

  it('names the subscribing module, not the publisher, in the lines of an event handler', async () => {
    // Only the module that owns an event may publish it.
    const call = CallContext.root({ caller: 'edge', budgetMs: 1_000 });
    await runInCallScope(call, () =>
      new SeamClient(app.get(TransportRouter), 'shelf').emit(ShelfContract.stored, { text: 'hello' }),
    );
    await eventually(() => expect(seen.stored).toEqual({ traceId: call.correlationId, module: 'reader' }));
  });

  it('leaves the caller as the module outside the handler', () => {
    const call = CallContext.root({ caller: 'edge', budgetMs: 1_000 });
    runInCallScope(call, () =>
      expect([currentCallContext(), callFields()]).toEqual([call, { traceId: call.correlationId, module: 'edge' }]),
    );
  });
});
