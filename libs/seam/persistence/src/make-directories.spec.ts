import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirectories } from './make-directories.js';

const root = mkdtempSync(join(tmpdir(), 'make-directories-'));
const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('makeDirectories', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates every missing part with the mode, and answers the first it created', () => {
    const directory = join(root, 'a', 'b', 'c');
    expect(makeDirectories(directory, 0o700)).toBe(join(root, 'a'));
    for (const path of [join(root, 'a'), join(root, 'a', 'b'), directory]) expect(modeOf(path)).toBe(0o700);
    // There already: nothing created, nothing answered.
    expect(makeDirectories(directory, 0o700)).toBeUndefined();
  });

  it('answers the mkdir error naming the path, for a part that is a file', () => {
    writeFileSync(join(root, 'file'), '');
    expect(() => makeDirectories(join(root, 'file', 'data'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR', message: expect.stringContaining(join(root, 'file', 'data')) }),
    );
  });
});
