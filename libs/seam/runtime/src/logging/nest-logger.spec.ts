import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createSeamLogger } from './seam-logger.js';
import { nestLoggerFor } from './nest-logger.js';

// nestjs-pino keeps one root logger per process: this file builds exactly one.
describe('nestLoggerFor', () => {
  it("logs Nest's own start-up lines at debug and everything else as asked, with the context", async () => {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const logger = nestLoggerFor(await createSeamLogger({ format: 'json', level: 'debug' }, stream));
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/api/products, GET} route', 'RouterExplorer');
    logger.log('Listening on http://localhost:3000', 'Monolith');
    logger.warn('careful', 'Seed');
    logger.error('The monolith could not start: boom', 'Error: boom\n    at main.ts:1:1', 'Monolith');
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; context: string; msg: string; err?: { stack: string } });
    expect(lines.map(({ level, context, msg }) => [level, context, msg])).toEqual([
      [20, 'InstanceLoader', 'AppModule dependencies initialized'],
      [20, 'RouterExplorer', 'Mapped {/api/products, GET} route'],
      [30, 'Monolith', 'Listening on http://localhost:3000'],
      [40, 'Seed', 'careful'],
      [50, 'Monolith', 'The monolith could not start: boom'],
    ]);
    expect(lines[4]!.err?.stack).toContain('at main.ts:1:1');
  });
});
