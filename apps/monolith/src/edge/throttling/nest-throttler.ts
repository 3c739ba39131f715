// @nestjs/throttler 6.7 is CommonJS and require()s @nestjs/common, which Nest 12 ships as ESM.
// Node allows that; jest's ESM loader does not when both sit in one static import graph
// (ERR_REQUIRE_CYCLE_MODULE). Loading the package once @nestjs/common has been evaluated works
// in both, so every runtime value of the package comes through here (types may be imported directly).
await import('@nestjs/common');
const throttler = await import('@nestjs/throttler');

/** `@nestjs/throttler`'s runtime exports the edge uses. */
export const { ThrottlerGuard, normalizeIp, getOptionsToken, getStorageToken } = throttler;
