import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  applyPretenuringSetting,
  NO_PRETENURING,
  PretenuringConfigError,
  pretenuringFromEnv,
} from './pretenuring-from-env.js';

describe('pretenuringFromEnv', () => {
  it('is off when SEAM_V8_PRETENURING is unset or blank', () => {
    expect(pretenuringFromEnv({})).toBe(false);
    expect(pretenuringFromEnv({ SEAM_V8_PRETENURING: ' ' })).toBe(false);
  });

  it.each(['off', '0', 'false', 'OFF', ' False '])('is off for SEAM_V8_PRETENURING=%p', (value) => {
    expect(pretenuringFromEnv({ SEAM_V8_PRETENURING: value })).toBe(false);
  });

  it.each(['on', '1', 'true', 'ON', ' True '])('is on for SEAM_V8_PRETENURING=%p', (value) => {
    expect(pretenuringFromEnv({ SEAM_V8_PRETENURING: value })).toBe(true);
  });

  it.each(['yes', '--pretenure', '2', 'o n'])('refuses SEAM_V8_PRETENURING=%p', (value) => {
    expect(() => pretenuringFromEnv({ SEAM_V8_PRETENURING: value })).toThrow(PretenuringConfigError);
    expect(() => pretenuringFromEnv({ SEAM_V8_PRETENURING: value })).toThrow(
      `SEAM_V8_PRETENURING must be on or off (1 or 0, true or false); got "${value}"`,
    );
  });

  it('quotes at most 20 characters of a refused value', () => {
    const error = (() => {
      try {
        pretenuringFromEnv({ SEAM_V8_PRETENURING: `${'x'.repeat(100)}\n{"level":60}` });
      } catch (caught) {
        return caught as PretenuringConfigError;
      }
    })();
    expect(error?.variable).toBe('SEAM_V8_PRETENURING');
    expect(error?.message).toContain(`got "${'x'.repeat(20)}"`);
    expect(error?.message).not.toContain('level');
  });
});

describe('applyPretenuringSetting', () => {
  /** The V8 flags `applyPretenuringSetting` set with `env`, and what it returned. */
  function apply(env: NodeJS.ProcessEnv): { kept: boolean; flags: string[] } {
    const flags: string[] = [];
    const kept = applyPretenuringSetting(env, (set) => flags.push(set));
    return { kept, flags };
  }

  it('turns V8 pretenuring off by default', () => {
    expect(apply({})).toEqual({ kept: false, flags: [NO_PRETENURING] });
    expect(NO_PRETENURING).toBe('--no-allocation-site-pretenuring');
  });

  it('leaves V8 alone with SEAM_V8_PRETENURING=on', () => {
    expect(apply({ SEAM_V8_PRETENURING: 'on' })).toEqual({ kept: true, flags: [] });
  });

  it('sets nothing when SEAM_V8_PRETENURING is refused', () => {
    const flags: string[] = [];
    expect(() => applyPretenuringSetting({ SEAM_V8_PRETENURING: 'maybe' }, (set) => flags.push(set))).toThrow(
      PretenuringConfigError,
    );
    expect(flags).toEqual([]);
  });

  it('is a flag this V8 accepts (V8 ignores the ones it does not know, and says so on stderr)', async () => {
    const { stderr } = await promisify(execFile)(process.execPath, [
      '-e',
      `require('node:v8').setFlagsFromString(${JSON.stringify(NO_PRETENURING)})`,
    ]);
    const { stderr: unknown } = await promisify(execFile)(process.execPath, [
      '-e',
      `require('node:v8').setFlagsFromString('--no-such-seam-flag')`,
    ]);
    expect(unknown).not.toBe('');
    expect(stderr).toBe('');
  });
});
