import { createHash } from 'node:crypto';
import { expect, it } from '@jest/globals';
import {
  CallContext,
  ConflictError,
  DeadlineExceededError,
  DEFAULT_MAX_MESSAGE_BYTES,
  ForbiddenError,
  InternalError,
  PermissionDeniedError,
  type SeamError,
  UnavailableError,
  ValidationError,
} from '@seam/transport';
import { eventually, LoopStalls } from '@seam/testing';
import { ListenerAContract, ListenerBContract } from '../fixtures/listener.contract.js';
import { GhostContract, ProbeContract } from '../fixtures/probe.contract.js';
import type { ParityTarget } from './parity-target.js';

/** Resolves with the error a promise rejects with (fails the test if it resolves). */
export async function failureOf(promise: Promise<unknown>): Promise<SeamError> {
  try {
    await promise;
  } catch (error) {
    return error as SeamError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Where a transport cannot match the others, the deviation is declared here and tested as such. */
export interface CoreScenarioOptions {
  /**
   * Nest's stock Redis pub/sub format: a request on a channel nobody subscribes to is heard by
   * no server, so it can only end when its deadline passes.
   */
  unknownPatternTimesOut?: boolean;
}

/**
 * The scenarios every transport must pass identically. `target()` returns the running target of
 * the enclosing describe block.
 */
export function coreScenarios(target: () => ParityTarget, options: CoreScenarioOptions = {}): void {
  it('answers a request with its response', async () => {
    await expect(target().client.send(ProbeContract.echo, { text: 'hello', count: 3 })).resolves.toEqual({
      text: 'hello',
      count: 3,
    });
  });

  it('delivers an event to each of 2 subscribing modules, each with its own copy', async () => {
    const id = `ping-${Math.random()}`;
    await target().clientAs('probe').emit(ProbeContract.pingSent, { id, text: 'original' });
    const [a, b] = await eventually(async () => {
      const lists = await Promise.all([
        target().client.send(ListenerAContract.listReceived, {}),
        target().client.send(ListenerBContract.listReceived, {}),
      ]);
      for (const list of lists) expect(list.pings.map((ping) => ping.id)).toContain(id);
      return lists;
    });
    expect(a.pings.find((ping) => ping.id === id)?.text).toBe('original');
    expect(b.pings.find((ping) => ping.id === id)?.text).toBe('original');
  });

  it('carries the correlation id and the calling module with an event', async () => {
    const id = `ctx-${Math.random()}`;
    const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';
    const parent = CallContext.root({ traceparent: `00-${traceId}-00f067aa0ba902b7-01`, budgetMs: 60_000 });
    await target().clientAs('probe').emit(ProbeContract.pingSent, { id, text: 'with context' }, { parent });
    const seen = await eventually(async () => {
      const { contexts } = await target().client.send(ListenerAContract.listReceived, {});
      const context = contexts?.find((candidate) => candidate.id === id);
      expect(context).toBeDefined();
      return context!;
    });
    expect(seen).toEqual({ id, caller: 'probe', correlationId: traceId });
  });

  it('drops an event published by a module that does not own it, unseen by every subscriber', async () => {
    const forged = `forged-${Math.random()}`;
    const genuine = `genuine-${Math.random()}`;
    await target().client.emit(ProbeContract.pingSent, { id: forged, text: 'from caller-app' });
    await target().clientAs('listener-a').emit(ProbeContract.pingSent, { id: forged, text: 'from a subscriber' });
    // Sent after the forged ones on the same link: once it has arrived, they would have too.
    await target().clientAs('probe').emit(ProbeContract.pingSent, { id: genuine, text: 'from probe' });
    const lists = await eventually(async () => {
      const received = await Promise.all([
        target().client.send(ListenerAContract.listReceived, {}),
        target().client.send(ListenerBContract.listReceived, {}),
      ]);
      for (const list of received) expect(list.pings.map((ping) => ping.id)).toContain(genuine);
      return received;
    });
    for (const list of lists) expect(list.pings.map((ping) => ping.id)).not.toContain(forged);
  });

  it('refuses invalid input at the door with a Validation error naming each field', async () => {
    const hostile = JSON.parse(
      '{"customer": 7, "lines": [{"sku": "a", "quantity": 0}, {"sku": "b", "quantity": 2, "discount": 50}], "admin": true}',
    ) as never;
    const error = await failureOf(target().client.send(ProbeContract.checkOrder, hostile));
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).fields.map((field) => field.path).toSorted();
    expect(paths).toEqual(['admin', 'customer', 'lines[0].quantity', 'lines[1].discount']);
  });

  it('refuses prototype keys at the door', async () => {
    const hostile = JSON.parse('{"customer": "c", "lines": [], "__proto__": {"admin": true}}') as never;
    const error = await failureOf(target().client.send(ProbeContract.checkOrder, hostile));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((field) => field.path)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('accepts valid nested input', async () => {
    const lines = [
      { sku: 'a', quantity: 2 },
      { sku: 'b', quantity: 5 },
    ];
    await expect(target().client.send(ProbeContract.checkOrder, { customer: 'c', lines })).resolves.toEqual({
      totalQuantity: 7,
    });
  });

  it('carries a typed domain error as an instance of the same class', async () => {
    const error = await failureOf(target().client.send(ProbeContract.failTyped, {}));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('Order 42 is already shipped');
    expect(error.details).toEqual({ orderId: '42' });
  });

  it('masks an unexpected error as Internal, leaking neither message nor stack', async () => {
    const error = await failureOf(target().client.send(ProbeContract.failUnexpected, {}));
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toBe('Internal error');
    expect(JSON.stringify(error.toJSON())).not.toMatch(/hunter2|postgres|at .*\.ts/);
  });

  if (options.unknownPatternTimesOut) {
    it('lets a call to an unknown pattern end with DeadlineExceeded (no server hears it)', async () => {
      const error = await failureOf(target().client.send(GhostContract.vanish, {}, { timeoutMs: 200 }));
      expect(error).toBeInstanceOf(DeadlineExceededError);
    });
  } else {
    it('answers an unknown pattern with a typed Unavailable error', async () => {
      const error = await failureOf(target().client.send(GhostContract.vanish, {}));
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error.details.reason).toBe('unknown-pattern');
    });
  }

  it('runs guards: a refusing guard reaches the caller as Forbidden', async () => {
    await expect(target().client.send(ProbeContract.guarded, {})).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses a caller the contract does not name with PermissionDenied, before validation; admits the one it names', async () => {
    const refusal = {
      code: 'PERMISSION_DENIED',
      message: '"caller-app" may not call "probe.open-safe"',
      details: { caller: 'caller-app', pattern: 'probe.open-safe' },
    };
    const refused = await failureOf(target().client.send(ProbeContract.openSafe, {}));
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect(refused.toJSON()).toEqual(refusal);
    // The door asks who is calling before it looks at the payload: a bad one changes nothing.
    const malformed = await failureOf(target().client.send(ProbeContract.openSafe, { junk: 1 } as never));
    expect(malformed.toJSON()).toEqual(refusal);
    // A caller naming itself like the allowed one, but not exactly, is a stranger.
    const lookalike = await failureOf(target().clientAs('vault-keeper-2').send(ProbeContract.openSafe, {}));
    expect(lookalike).toBeInstanceOf(PermissionDeniedError);
    expect(lookalike.details).toEqual({ caller: 'vault-keeper-2', pattern: 'probe.open-safe' });

    const keeper = target().clientAs('vault-keeper');
    await expect(keeper.send(ProbeContract.openSafe, {})).resolves.toEqual({});
    await expect(keeper.send(ProbeContract.openSafe, { junk: 1 } as never)).rejects.toBeInstanceOf(ValidationError);
    expect(target().pending()).toBe(0);
  });

  it('accepts a call as the system (no customer) only from the callers the contract names for it', async () => {
    await expect(target().client.send(ProbeContract.peekState, { key: 'k', customer: 'c-1' })).resolves.toEqual({});
    const refused = await failureOf(target().client.send(ProbeContract.peekState, { key: 'k' }));
    expect(refused).toBeInstanceOf(PermissionDeniedError);
    expect(refused.toJSON()).toEqual({
      code: 'PERMISSION_DENIED',
      message: '"caller-app" may not call "probe.peek-state" without customer',
      details: { caller: 'caller-app', pattern: 'probe.peek-state', asSystem: true },
    });
    await expect(target().clientAs('vault-keeper').send(ProbeContract.peekState, { key: 'k' })).resolves.toEqual({});
  });

  it('fails a call to a handler that never answers within its deadline + 10%', async () => {
    const stalls = LoopStalls.watch();
    const started = performance.now();
    const error = await failureOf(target().client.send(ProbeContract.neverAnswer, {}, { timeoutMs: 300 }));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(elapsed).toBeGreaterThanOrEqual(299);
    // + the longest stall of this process meanwhile: no timer fires during one (see LoopStalls).
    expect(elapsed).toBeLessThanOrEqual(330 + stalls.stop());
    expect(target().pending()).toBe(0);
  });

  it('carries a 1 MiB payload, and refuses one byte more', async () => {
    const blob = 'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES - JSON.stringify({ blob: '' }).length);
    const answer = await target().client.send(ProbeContract.echoBlob, { blob });
    expect(answer).toEqual({ length: blob.length, sha256: createHash('sha256').update(blob).digest('hex') });
    const error = await failureOf(target().client.send(ProbeContract.echoBlob, { blob: `${blob}y` }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details.reason).toBe('message-too-large');
  });

  it('answers 1,000 concurrent calls, each with its own response', async () => {
    const requests = Array.from({ length: 1_000 }, (_, count) => ({ text: `call-${count}`, count }));
    // A 30 s deadline per call, not the default: 1,000 calls queue behind each other, and a loaded
    // 2-core CI machine can stall either process for hundreds of ms; the claim is that each call
    // gets its own response, not how fast the batch drains.
    const responses = await Promise.all(
      requests.map((request) => target().client.send(ProbeContract.echo, request, { timeoutMs: 30_000 })),
    );
    expect(responses).toEqual(requests);
    expect(target().pending()).toBe(0);
  });

  it('isolates payloads both ways: neither side sees the other mutate its objects', async () => {
    const request = { key: `k-${Math.random()}`, tags: ['sent'] };
    const response = await target().client.send(ProbeContract.storeState, request);
    expect(request.tags).toEqual(['sent']);
    expect(response.tags).toEqual(['sent', 'mutated-by-callee']);
    response.tags.push('mutated-by-caller');
    await expect(target().client.send(ProbeContract.readState, {})).resolves.toEqual({
      key: request.key,
      tags: ['sent', 'mutated-by-callee'],
    });
  });

  it('shows the handler the correlation id, caller, remaining deadline; interceptors run', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = CallContext.root({
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      caller: 'edge',
      budgetMs: 60_000,
    });
    const seen = await target().client.send(ProbeContract.describeCall, {}, { parent, timeoutMs: 2_000 });
    expect(seen.correlationId).toBe(traceId);
    expect(seen.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(seen.traceparent).not.toContain('00f067aa0ba902b7');
    expect(seen.caller).toBe('caller-app');
    expect(seen.remainingMs).toBeGreaterThan(1_000);
    expect(seen.remainingMs).toBeLessThanOrEqual(2_000);
    expect(seen.intercepted).toBe(true);
  });
}
