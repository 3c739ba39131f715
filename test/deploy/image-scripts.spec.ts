// The two scripts the image runs, run here as the image would run them: as processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { eventually, freePort } from '@seam/testing';
import { REPOSITORY_ROOT, repositoryFile } from './support/shipped.js';

const image = mkdtempSync(join(tmpdir(), 'seam-image-'));
afterAll(() => rmSync(image, { recursive: true, force: true }));

// The image's layout: /app/deploy/*.mjs next to /app/dist/apps/<app>/main.js.
mkdirSync(join(image, 'deploy'));
for (const script of ['entrypoint.mjs', 'healthcheck.mjs'])
  copyFileSync(join(REPOSITORY_ROOT, 'deploy', script), join(image, 'deploy', script));
for (const app of ['monolith', 'payments-service']) {
  const main = join(image, 'dist/apps', app);
  mkdirSync(main, { recursive: true });
  // Stands in for a built app: says which one it is, and how it stopped. The handler comes before
  // the line the test waits for: a SIGTERM sent as soon as that line is read must find it.
  writeFileSync(
    join(main, 'main.js'),
    `process.on('SIGTERM', () => { console.log('${app} got SIGTERM'); process.exit(0); });
     console.log('running ${app} as SEAM_APP=' + process.env.SEAM_APP);
     setInterval(() => {}, 1000);`,
  );
}

/**
 * The monolith's commands, as the npm scripts run them from the build (`npm run migrate`:
 * `node … dist/apps/monolith/migrate.js`): the files the image must run too, without npm or nest.
 */
const COMMANDS = Object.values(
  (JSON.parse(repositoryFile('package.json')) as { scripts: Record<string, string> }).scripts,
)
  .flatMap((script) => [...script.matchAll(/\bdist\/apps\/monolith\/([\w-]+)\.js\b/g)].map((match) => match[1]!))
  .filter((file) => file !== 'main');
for (const command of COMMANDS)
  // Stands in for a built command: says what it was given, and exits as the real ones do on a usage error.
  writeFileSync(
    join(image, 'dist/apps/monolith', `${command}.js`),
    `console.log('${command} got ' + JSON.stringify(process.argv.slice(2)));
     process.exitCode = process.argv.includes('--bad') ? 2 : 0;`,
  );

/** Runs one of the scripts to its end; asynchronously, so that a server in this process can answer it. */
function node(
  script: string,
  env: NodeJS.ProcessEnv = {},
  args: string[] = [],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(image, 'deploy', script), ...args], {
    cwd: image,
    env: { PATH: process.env.PATH, ...env },
    timeout: 10_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

describe('deploy/entrypoint.mjs', () => {
  /** Starts the entrypoint and waits for the app to say it runs. */
  async function start(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string }> {
    const child = spawn(process.execPath, [join(image, 'deploy/entrypoint.mjs'), ...args], {
      cwd: image,
      env: { PATH: process.env.PATH, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(() => expect(output).toContain('running'));
    return { child, output: () => output };
  }

  it('runs the app SEAM_APP names in its own process, which gets the SIGTERM', async () => {
    const { child, output } = await start([], { SEAM_APP: 'payments-service' });
    expect(output()).toContain('running payments-service as SEAM_APP=payments-service');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('payments-service got SIGTERM');
  });

  it('takes the first argument over SEAM_APP, and runs the monolith when neither is given', async () => {
    for (const [args, env, app] of [
      [['monolith'], { SEAM_APP: 'payments-service' }, 'monolith'],
      [[], {}, 'monolith'],
    ] as const) {
      const { child, output } = await start([...args], env);
      expect(output()).toContain(`running ${app} as SEAM_APP=${app}`);
      child.kill('SIGKILL');
    }
  });

  it('refuses an app the image does not have with exit status 2, naming the apps and commands it has', async () => {
    for (const app of ['orders-service', '../../etc/passwd']) {
      const result = await node('entrypoint.mjs', { SEAM_APP: app });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(
        `unknown app "${app}" (first argument or SEAM_APP): this image has monolith, payments-service, and the commands ${COMMANDS.toSorted().join(', ')} (first argument)`,
      );
    }
  });

  it('runs each command the npm scripts run from the build (migrate, dead-letters, data-move), with the arguments after its name', async () => {
    expect(COMMANDS.toSorted()).toEqual(['data-move', 'dead-letters', 'migrate']);
    for (const command of COMMANDS) {
      // The first argument wins over SEAM_APP, as for an app: a Job may copy a Deployment's environment.
      const result = await node('entrypoint.mjs', { SEAM_APP: 'monolith' }, [command, 'orders', 'list']);
      expect({ command, ...result }).toEqual({
        command,
        status: 0,
        stdout: `${command} got ["orders","list"]\n`,
        stderr: '',
      });
    }
    const plain = await node('entrypoint.mjs', {}, ['migrate']);
    expect(plain.stdout).toBe('migrate got []\n');
  });

  it("ends with the command's own exit status", async () => {
    const result = await node('entrypoint.mjs', {}, ['dead-letters', '--bad']);
    expect({ status: result.status, stdout: result.stdout }).toEqual({
      status: 2,
      stdout: 'dead-letters got ["--bad"]\n',
    });
  });

  it('refuses a command name it does not know with exit status 2, as an unknown app', async () => {
    const result = await node('entrypoint.mjs', {}, ['migrations']);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: '' });
    expect(result.stderr).toContain('unknown app "migrations"');
  });
});

describe('deploy/healthcheck.mjs', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  async function answering(status: number): Promise<number> {
    const server = createServer((request, response) =>
      response.writeHead(request.url === '/health' ? status : 404).end(),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('exits 0 when /health on PORT answers 200', async () => {
    const port = await answering(200);
    expect((await node('healthcheck.mjs', { PORT: String(port) })).status).toBe(0);
  });

  it('exits 1 when /health answers 503, saying so', async () => {
    const port = await answering(503);
    const result = await node('healthcheck.mjs', { PORT: String(port) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`http://127.0.0.1:${port}/health answered 503`);
  });

  it('exits 1 when nothing listens on PORT', async () => {
    const result = await node('healthcheck.mjs', { PORT: String(await freePort()) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('fetch failed');
  });
});
