import { type ExecutionContext, Injectable } from '@nestjs/common';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import { HttpOnlyEnhancer } from '@seam/transport';
import { ThrottlerGuard } from './nest-throttler.js';
import { accountOf, addressOf, type AttemptRequest } from './auth-subjects.js';
import { AUTH_ATTEMPTS } from './auth-attempts.decorator.js';
import type { ThrottlingConfig } from './throttling.config.js';
import { setRetryAfter, TooManyRequestsException } from './too-many-requests.js';

/** The prefix of the routes the edge throttles: the API. Health, metrics and docs are left alone. */
const API_PREFIX = '/api';

/**
 * `@nestjs/throttler`'s guard on every `/api` route, answering `429` problems with `Retry-After`.
 * Not on health and metrics: probes and scrapers come from a few addresses at their own pace and
 * must never be refused. Not on Seam message handlers (they inherit the app's guards): marked
 * HTTP-only, so Seam need not run Nest's per-call pipeline for them on its account.
 */
@HttpOnlyEnhancer()
@Injectable()
export class EdgeThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const { originalUrl, url } = context.switchToHttp().getRequest<{ originalUrl?: string; url?: string }>();
    const path = originalUrl ?? url ?? '/';
    return !(path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) || path.startsWith(`${API_PREFIX}?`));
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    setRetryAfter(context.switchToHttp().getResponse(), detail.timeToBlockExpire);
    throw new TooManyRequestsException(
      `Too many requests from this address or for this account; try again in ${Math.max(1, detail.timeToBlockExpire)} s`,
    );
  }
}

const isAuthRoute = (context: ExecutionContext): boolean =>
  Reflect.getMetadata(AUTH_ATTEMPTS, context.getHandler()) === true;

const requestOf = (context: ExecutionContext) => context.switchToHttp().getRequest<AttemptRequest>();

/**
 * The throttlers of {@link EdgeThrottlerGuard}: `default`, every `/api` request per address
 * (when not switched off); `auth-address` and `auth-account`, attempts on the routes marked
 * `@AuthAttempts()`. Keys name the throttler and the client, not the route, so a client's
 * requests count together wherever they go.
 */
export function throttlerOptionsOf(config: ThrottlingConfig): ThrottlerModuleOptions {
  return {
    setHeaders: false,
    getTracker: (request) => addressOf(request as AttemptRequest),
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      ...(config.perAddress ? [{ name: 'default', limit: config.perAddress.limit, ttl: config.perAddress.ttlMs }] : []),
      {
        name: 'auth-address',
        limit: config.authPerAddress.limit,
        ttl: config.authPerAddress.ttlMs,
        skipIf: (context) => !isAuthRoute(context),
      },
      {
        name: 'auth-account',
        limit: config.authPerAccount.limit,
        ttl: config.authPerAccount.ttlMs,
        // An attempt that names no e-mail is refused by validation and never reaches identity.
        skipIf: (context) => !isAuthRoute(context) || accountOf(requestOf(context)) === undefined,
        getTracker: (request) => accountOf(request as AttemptRequest) ?? 'account:none',
      },
    ],
  };
}
