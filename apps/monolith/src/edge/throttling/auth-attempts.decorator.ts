import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiProblems } from '../docs/api-problems.decorator.js';
import { AuthAttemptsInterceptor } from './auth-attempts.interceptor.js';

/** Metadata key marking a route whose attempts are throttled per account and per address. */
export const AUTH_ATTEMPTS = 'edge:auth-attempts';

/**
 * Marks a route that checks credentials or reveals whether an account exists (log-in, register):
 * its attempts are capped per client address and per account (`auth-address`, `auth-account`
 * throttlers), and its failures delay the next attempt progressively (`AuthAttemptsInterceptor`).
 * Refusals are `429` problems with `Retry-After`, answered before the route runs.
 */
export function AuthAttempts(): MethodDecorator {
  return applyDecorators(SetMetadata(AUTH_ATTEMPTS, true), UseInterceptors(AuthAttemptsInterceptor), ApiProblems(429));
}
