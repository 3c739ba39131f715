import { request as httpRequest, Agent } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PaymentsContract } from '@contracts/payments';
import { ensureBuilt, eventually, handledCallsAt, type ServiceProcess } from '@seam/testing';
import { startBuiltMonolith } from './support/built-monolith.js';

/** The fake provider's slow card: authorizing it takes `PAYMENTS_FAKE_SLOW_MS`. */
const SLOW_CARD = '4000000000000259';
/** Long enough to be in flight at the signal, short enough to finish within the drain's share of the budget. */
const SLOW_MS = '3000';
const AUTHORIZE = PaymentsContract.authorizePayment.pattern;

/** A raw connection's end, seen from the client. */
interface Connection {
  closed: Promise<void>;
}

/** Opens a raw connection to `port` that resolves `closed` when the server (or the process) ends it. */
async function rawConnection(port: number) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // a reset is as good as a close here
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const received = (text: string) =>
    new Promise<void>((resolve) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        if (!seen.includes(text)) return;
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
    });
  return { socket, closed, received };
}

/** A keep-alive connection that has been answered once and is now idle. */
async function idleKeepAlive(port: number): Promise<Connection> {
  const { socket, closed, received } = await rawConnection(port);
  const answered = received('{"status":"ok"}');
  socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await answered;
  return { closed };
}

/**
 * A login whose client announces 100 bytes of body and sends 9. `Expect: 100-continue` makes the
 * server say when it has taken the request (it answers "100 Continue" as it hands the request to
 * the app), so that the signal certainly finds it waiting for the rest of its body.
 */
async function unfinishedBody(port: number): Promise<Connection> {
  const { socket, closed, received } = await rawConnection(port);
  const taken = received('100 Continue');
  socket.write(
    'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n',
  );
  await taken;
  socket.write('{"email":');
  return { closed };
}

async function customerToken(baseUrl: string): Promise<string> {
  const email = `shutdown-${Date.now()}@example.com`;
  const password = 'shutdown password 123';
  const json = { 'content-type': 'application/json' };
  const registered = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password, name: 'Shutdown' }),
  });
  expect(registered.status).toBe(201);
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email, password }),
  });
  expect(login.status).toBe(200);
  return ((await login.json()) as { accessToken: string }).accessToken;
}

/** Places an order paid with the slow card, on a keep-alive connection; resolves with its status and `Connection` header. */
function placeSlowOrder(port: number, token: string, agent: Agent) {
  return new Promise<{ status: number; connection?: string }>((resolve, reject) => {
    const order = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/orders',
        agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode!, connection: response.headers.connection }));
      },
    );
    order.on('error', reject);
    order.end(JSON.stringify({ lines: [{ sku: 'MUG-SEAM', quantity: 1 }], cardNumber: SLOW_CARD }));
  });
}

describe('SIGTERM to the built monolith (an OS process)', () => {
  let dataDir: string;
  let monolith: ServiceProcess | undefined;
  const agent = new Agent({ keepAlive: true });

  beforeAll(async () => {
    // `npm test` builds first; a lone `npm run test:jest` builds here (see ensureBuilt).
    await ensureBuilt(['monolith']);
    dataDir = mkdtempSync(join(tmpdir(), 'seam-shutdown-'));
  }, 240_000);

  afterAll(async () => {
    agent.destroy();
    await monolith?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('cuts off a client still sending its body, answers the order in flight, drops idle keep-alive connections at once, closes its databases and exits by the signal', async () => {
    const started = await startBuiltMonolith(dataDir, { PAYMENTS_FAKE_SLOW_MS: SLOW_MS });
    monolith = started.monolith;
    const port = Number(new URL(started.baseUrl).port);
    const token = await customerToken(started.baseUrl);
    const authorizing = async () => (await handledCallsAt(started.baseUrl)).get(AUTHORIZE) ?? 0;
    const before = await authorizing();
    const order = placeSlowOrder(port, token, agent);
    await eventually(async () => expect(await authorizing()).toBe(before + 1), { timeoutMs: 10_000 });
    const idle = await idleKeepAlive(port);
    const stalled = await unfinishedBody(port);

    monolith.signal('SIGTERM');

    // The idle connection goes at once: long before the order, a whole slow authorization away.
    await expect(
      Promise.race([idle.closed.then(() => 'idle closed'), order.then(() => 'order answered')]),
    ).resolves.toBe('idle closed');
    await stalled.closed;
    await expect(order).resolves.toEqual({ status: 201, connection: 'close' });
    // Forced out (status 1, "Still not closed…") it would have left its databases open.
    await expect(monolith.exited).resolves.toBe('SIGTERM');
    const output = monolith.output();
    expect(output).toContain('Closed 1 connection(s) still sending a request body');
    expect(output).not.toContain('Still not closed');
    // Each SQLite database was closed: closing the last connection checkpoints and removes its WAL.
    expect(readdirSync(dataDir).filter((file) => file.endsWith('-wal'))).toEqual([]);
  }, 120_000);
});
