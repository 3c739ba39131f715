// jest 30 runs the suites as native ESM (see package.json "test:jest"): Nest 12 ships ESM only.
const swc = {
  sourceMaps: 'inline',
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'es6' },
};

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.parity-spec.ts', '**/*.arch-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/fixtures/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@seam/([^/]+)$': '<rootDir>/libs/seam/$1/src/index.ts',
    '^@contracts/([^/]+)$': '<rootDir>/libs/$1/contracts/src/index.ts',
    '^@modules/([^/]+)$': '<rootDir>/libs/$1/core/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 30_000,
  // Jest's default is one worker per core but one (1 on this project's 2-core CI machines). Most
  // suites wait on child processes, Redis and PostgreSQL rather than compute, so two workers finish
  // the suite in about 60% of the time; timing-sensitive tests carry the margins a loaded machine needs.
  maxWorkers: 2,
  // A worker's heap grows with every suite it runs: 2.2–2.6 GB by the end of the suite (measured
  // 2026-12-07). Told to exit, such a worker took up to ~1 s past its 'exit' event to be gone (its
  // heap freed), over the 500 ms jest allows, and jest printed "A worker process has failed to exit
  // gracefully" although no handle was open. Past this limit, checked between files, jest starts the
  // worker anew (the last heaps: 0.6–0.8 GB, and no such message; the suite was no slower).
  workerIdleMemoryLimit: '1GB',
  // Even so, a worker that ran many files holds up to ~1.3 GB when the run ends, and once its
  // event loop is empty it takes 260–520 ms to be gone (Node disposes of the heap as it exits;
  // measured on each worker's exit, 2026-12-07, with no handle left open: the last worker of each
  // run listed only its stdio and IPC pipes). Past jest's default 500 ms, jest kills it and prints
  // "A worker process has failed to exit gracefully". Three seconds covers that; a worker held by
  // a real leak (a timer, a socket, a child process) still never exits and is still reported.
  workerGracefulExitTimeout: 3_000,
};
