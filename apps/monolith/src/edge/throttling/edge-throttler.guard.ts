import { type ExecutionContext, Injectable } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import { HttpOnlyEnhancer } from '@seam/transport';
import { ThrottlerGuard } from './nest-throttler.js';
import { AUTH_ACCOUNT, accountOf, addressOf, type AttemptRequest, PER_ADDRESS, throttleKey } from './auth-subjects.js';
import { AUTH_ATTEMPTS } from './auth-attempts.decorator.js';
import type { ThrottlingConfig } from './throttling.config.js';
import { setRetryAfter, TooManyRequestsException } from './too-many-requests.js';

/** The first segment of the routes the edge throttles: the API. Health, metrics and docs are left alone. */
const API_SEGMENT = 'api';

/**
 * `@nestjs/throttler`'s guard on every `/api` route, answering `429` problems with `Retry-After`.
 * Not on health and metrics: probes and scrapers come from a few addresses at their own pace and
 * must never be refused. Not on Seam message handlers (they inherit the app's guards): marked
 * HTTP-only, so Seam need not run Nest's per-call pipeline for them on its account.
 *
 * Which route is an `/api` one is read off the route Express matched (its controller's and
 * handler's declared paths), never off the request's spelling of it: Express also routes
 * `/API/auth/login` and `POST http://host/api/auth/login`, which a prefix test on the URL missed.
 */
@HttpOnlyEnhancer()
@Injectable()
export class EdgeThrottlerGuard extends ThrottlerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() === 'http') seenByGuard.add(context.switchToHttp().getRequest<object>());
    return super.canActivate(context);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http' || !isApiRoute(context);
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

/** The requests this guard has seen (counted, or skipped as no `/api` route's). */
const seenByGuard = new WeakSet<object>();

/**
 * Whether the throttle guard has seen `request`. One answered without it (refused before any
 * guard runs, or matched by no route) is counted by `UnguardedRequestThrottle` instead.
 */
export function throttleGuardSaw(request: object): boolean {
  return seenByGuard.has(request);
}

/** Per controller class, per handler: whether its route lies under `/api` (decorators never change). */
const apiRoutes = new WeakMap<object, WeakMap<object, boolean>>();

/** Whether the handler's route, as declared (`@Controller('api')` + `@Post('auth/login')`), lies under `/api`. */
function isApiRoute(context: ExecutionContext): boolean {
  const controller = context.getClass();
  const handler = context.getHandler();
  let handlers = apiRoutes.get(controller);
  if (!handlers) apiRoutes.set(controller, (handlers = new WeakMap()));
  let known = handlers.get(handler);
  if (known === undefined) handlers.set(handler, (known = declaredUnderApi(controller, handler)));
  return known;
}

function declaredUnderApi(controller: object, handler: object): boolean {
  const prefixes = declaredPaths(Reflect.getMetadata(PATH_METADATA, controller));
  const suffixes = declaredPaths(Reflect.getMetadata(PATH_METADATA, handler));
  return prefixes.some((prefix) =>
    suffixes.some((suffix) => {
      const first = `${prefix}/${suffix}`.split('/').find((segment) => segment.length > 0);
      return first?.toLowerCase() === API_SEGMENT;
    }),
  );
}

const declaredPaths = (metadata: unknown): string[] =>
  Array.isArray(metadata) ? metadata.map(String) : [typeof metadata === 'string' ? metadata : ''];

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
    generateKey: (_context, tracker, name) => throttleKey(name, tracker),
    throttlers: [
      ...(config.perAddress
        ? [{ name: PER_ADDRESS, limit: config.perAddress.limit, ttl: config.perAddress.ttlMs }]
        : []),
      {
        name: 'auth-address',
        limit: config.authPerAddress.limit,
        ttl: config.authPerAddress.ttlMs,
        skipIf: (context) => !isAuthRoute(context),
      },
      {
        name: AUTH_ACCOUNT,
        limit: config.authPerAccount.limit,
        ttl: config.authPerAccount.ttlMs,
        // An attempt that names no e-mail is refused by validation and never reaches identity, or
        // is a signed-in one (a password change), whose account AuthAttemptsInterceptor counts.
        skipIf: (context) => !isAuthRoute(context) || accountOf(requestOf(context)) === undefined,
        getTracker: (request) => accountOf(request as AttemptRequest) ?? 'account:none',
      },
    ],
  };
}
