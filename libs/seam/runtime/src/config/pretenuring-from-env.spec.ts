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
  it('is off unless SEAM_V8_PRETENURING turns it on (on, 1 or true: onOffFlag)', () => {
    expect(pretenuringFromEnv({})).toBe(false);
    expect(pretenuringFromEnv({ SEAM_V8_PRETENURING: 'off' })).toBe(false);
    expect(pretenuringFromEnv({ SEAM_V8_PRETENURING: ' On ' })).toBe(true);
  });

  it('refuses anything else with a PretenuringConfigError naming the variable', () => {
    const refused = () => pretenuringFromEnv({ SEAM_V8_PRETENURING: '--pretenure' });
    expect(refused).toThrow(PretenuringConfigError);
    expect(refused).toThrow('SEAM_V8_PRETENURING must be on or off (1 or 0, true or false); got "--pretenure"');
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
