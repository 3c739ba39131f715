import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import {
  ContractController,
  defineContract,
  event,
  Handle,
  InProcessBus,
  PermissionDeniedError,
  request,
  SeamClient,
  SeamTransportModule,
  startSeamServers,
  TransportRouter,
  ValidationError,
} from '@seam/transport';
import { IsString } from 'class-validator';
import { eventually } from '@seam/testing';
import request_ from 'supertest';
import { MetricsController } from '../health/metrics.controller.js';
import { httpMetrics } from './http-metrics.js';

class Note {
  @IsString() text!: string;
}

const ShelfContract = defineContract('shelf', {
  store: request({ pattern: 'shelf.store-note', callers: ['*'], request: Note, response: Note }),
  burn: request({ pattern: 'shelf.burn-note', callers: ['archive'], request: Note, response: Note }),
  stored: event({ pattern: 'shelf.note.stored', subscribers: ['*'], payload: Note }),
});

@ContractController(ShelfContract)
class ShelfController {
  @Handle(ShelfContract.store)
  store(@Payload() note: Note): Note {
    return note;
  }

  @Handle(ShelfContract.burn)
  burn(@Payload() note: Note): Note {
    return note;
  }
}

@Controller('items')
class ItemsController {
  @Get(':id')
  item(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get('slow/:ms')
  async slow(@Param('ms') ms: string): Promise<{ waited: number }> {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return { waited: Number(ms) };
  }
}

@Module({ imports: [SeamTransportModule.forModule('edge')], controllers: [ShelfController] })
class ShelfModule {}

/** One sample of the text format: its labels and value. */
interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of `name` in a scrape (exactly that name: `_bucket`, `_sum` and `_count` are names of their own). */
function samplesOf(text: string, name: string): Sample[] {
  const line = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm');
  return [...text.matchAll(line)].map(([, labels = '', value]) => ({
    labels: Object.fromEntries([...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, val]) => [key!, val!])),
    value: Number(value),
  }));
}

const find = (samples: Sample[], labels: Record<string, string>) =>
  samples.find((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value));

describe('Seam metrics', () => {
  let app: INestApplication;
  const scrape = async () => (await request_(app.getHttpServer()).get('/metrics').expect(200)).text;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SeamTransportModule.forRoot({ hosted: ['shelf'], bus: new InProcessBus() }), ShelfModule],
      controllers: [MetricsController, ItemsController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use(httpMetrics());
    await startSeamServers(app);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  describe('seam calls and events', () => {
    it('counts and times each call by caller, callee, entry, transport and outcome', async () => {
      const seam = app.get(SeamClient);
      await seam.send(ShelfContract.store, { text: 'hello' });
      await seam.send(ShelfContract.store, { text: 'again' });
      await expect(seam.send(ShelfContract.store, { text: 42 } as never)).rejects.toBeInstanceOf(ValidationError);
      const text = await scrape();

      const call = { caller: 'edge', callee: 'shelf', entry: 'shelf.store-note', transport: 'in-process' };
      expect(find(samplesOf(text, 'seam_calls_total'), { ...call, outcome: 'ok' })?.value).toBe(2);
      expect(find(samplesOf(text, 'seam_calls_total'), { ...call, outcome: 'VALIDATION' })?.value).toBe(1);
      expect(find(samplesOf(text, 'seam_call_duration_seconds_count'), { ...call, outcome: 'ok' })?.value).toBe(2);
      expect(
        find(samplesOf(text, 'seam_call_duration_seconds_bucket'), { ...call, outcome: 'ok', le: '+Inf' })?.value,
      ).toBe(2);
      expect(text).toMatch(/^# TYPE seam_call_duration_seconds histogram$/m);
      const buckets = samplesOf(text, 'seam_call_duration_seconds_bucket')
        .filter((sample) => sample.labels.outcome === 'ok' && sample.labels.entry === 'shelf.store-note')
        .map(({ value }) => value);
      expect(buckets).toHaveLength(15);
      expect(buckets).toEqual(buckets.toSorted((a, b) => a - b));
      expect(
        find(samplesOf(text, 'seam_call_duration_seconds_sum'), { ...call, outcome: 'ok' })?.value,
      ).toBeGreaterThan(0);
    });

    it('counts a call the contract does not let its caller make, by pattern, without running its handler', async () => {
      const seam = app.get(SeamClient);
      await expect(seam.send(ShelfContract.burn, { text: 'hello' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(seam.send(ShelfContract.burn, { text: 'again' })).rejects.toBeInstanceOf(PermissionDeniedError);
      const text = await scrape();

      expect(samplesOf(text, 'seam_calls_denied_total')).toEqual([
        { labels: { pattern: 'shelf.burn-note' }, value: 2 },
      ]);
      expect(find(samplesOf(text, 'seam_calls_handled_total'), { pattern: 'shelf.burn-note' })).toBeUndefined();
    });

    it('counts and times each event publication per target transport', async () => {
      await new SeamClient(app.get(TransportRouter), 'shelf').emit(ShelfContract.stored, { text: 'hello' });
      const text = await scrape();

      const published = { caller: 'shelf', callee: 'shelf', event: 'shelf.note.stored', transport: 'in-process' };
      expect(find(samplesOf(text, 'seam_events_total'), { ...published, outcome: 'ok' })?.value).toBe(1);
      expect(find(samplesOf(text, 'seam_event_duration_seconds_count'), published)?.value).toBe(1);
    });

    it("keeps the process's own figures: defaults, calls in flight and handled requests", async () => {
      const text = await scrape();

      expect(samplesOf(text, 'seam_calls_pending')).toEqual([{ labels: {}, value: 0 }]);
      expect(samplesOf(text, 'seam_module_hosted')).toEqual([{ labels: { module: 'shelf' }, value: 1 }]);
      // The refused request counts too: the handler's door (its validation) is where it was refused.
      expect(find(samplesOf(text, 'seam_calls_handled_total'), { pattern: 'shelf.store-note' })?.value).toBe(3);
      for (const name of [
        'process_cpu_user_seconds_total',
        'nodejs_heap_size_used_bytes',
        'nodejs_eventloop_lag_seconds',
      ])
        expect(samplesOf(text, name)).toHaveLength(1);
      expect(text).toMatch(/^# TYPE seam_envelopes_refused_total counter$/m);
    });
  });

  describe('httpMetrics', () => {
    it('labels a request with its route template, never the raw path', async () => {
      await request_(app.getHttpServer()).get('/items/42').expect(200);
      await request_(app.getHttpServer()).get('/items/43').expect(200);
      const requests = samplesOf(await scrape(), 'http_requests_total');

      expect(find(requests, { method: 'GET', route: '/items/:id', status: '200' })?.value).toBe(2);
      expect(requests.some((sample) => sample.labels.route?.includes('42'))).toBe(false);
    });

    it('times each request into a histogram whose buckets add up to its count', async () => {
      for (let index = 0; index < 3; index++) await request_(app.getHttpServer()).get('/items/7').expect(200);
      const text = await scrape();
      const route = { method: 'GET', route: '/items/:id', status: '200' };
      const count = find(samplesOf(text, 'http_request_duration_seconds_count'), route)?.value;
      const buckets = samplesOf(text, 'http_request_duration_seconds_bucket').filter(
        (sample) => sample.labels.route === '/items/:id' && sample.labels.status === '200',
      );

      expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
      expect(count).toBe(find(samplesOf(text, 'http_requests_total'), route)?.value);
      expect(count).toBeGreaterThanOrEqual(3);
      expect(buckets.at(-1)).toEqual({ labels: { le: '+Inf', ...route }, value: count });
      const cumulative = buckets.map(({ value }) => value);
      expect(cumulative).toEqual(cumulative.toSorted((a, b) => a - b));
      expect(find(samplesOf(text, 'http_request_duration_seconds_sum'), route)?.value).toBeGreaterThan(0);
    });

    it('counts a request whose client went away before the answer, as 499 (client closed)', async () => {
      const aborted = await request_(app.getHttpServer())
        .get('/items/slow/400')
        .timeout(50)
        .then(
          () => false,
          () => true,
        );
      expect(aborted).toBe(true);
      const closed = { method: 'GET', route: '/items/slow/:ms', status: '499' };
      await eventually(async () =>
        expect(find(samplesOf(await scrape(), 'http_requests_total'), closed)?.value).toBe(1),
      );
      // The handler ends later, writing to no one: counted once, not again when it does.
      await new Promise((resolve) => setTimeout(resolve, 450));
      const text = await scrape();
      expect(find(samplesOf(text, 'http_requests_total'), closed)?.value).toBe(1);
      expect(find(samplesOf(text, 'http_requests_total'), { route: '/items/slow/:ms', status: '200' })).toBeUndefined();
    });

    it('cannot be grown by unknown paths: every one of them is the same "unmatched" series', async () => {
      await request_(app.getHttpServer()).get('/nowhere/first').expect(404);
      const before = await scrape();
      for (let index = 0; index < 200; index++)
        await request_(app.getHttpServer())
          .get(`/nowhere/${index}-${Math.random().toString(36).slice(2)}`)
          .expect(404);
      const after = await scrape();

      for (const name of ['http_requests_total', 'http_request_duration_seconds_bucket'])
        expect(samplesOf(after, name)).toHaveLength(samplesOf(before, name).length);
      expect(find(samplesOf(after, 'http_requests_total'), { route: 'unmatched', status: '404' })?.value).toBe(201);
    });
  });
});
