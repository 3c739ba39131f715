import { defineContract, EDGE, event, request } from '@seam/transport';
import {
  ChangePassword,
  CustomerActivity,
  GetCustomerActivity,
  GetUser,
  GrantRoles,
  LogIn,
  Principal,
  RegisterUser,
  Session,
  SignedOut,
  SignOut,
  UserView,
  VerifyToken,
} from './identity.dto.js';
import { UserRegistered } from './identity.events.js';

/** The demo seeder of the monolith's binary, which runs beside the edge and calls as `seed`. */
const SEED = 'seed';

/**
 * The identity module's only door: accounts, passwords and access tokens. Every other module
 * (and the HTTP edge) learns who a caller is through `verifyToken`, never by reading tokens itself.
 */
export const IdentityContract = defineContract('identity', {
  /**
   * Creates a customer account and publishes {@link UserRegistered}. Not idempotent.
   * Fails with `ConflictError` when the email is taken, `ValidationError` for bad fields.
   */
  registerUser: request({
    pattern: 'identity.register-user',
    callers: [EDGE, SEED],
    request: RegisterUser,
    response: UserView,
  }),

  /**
   * Checks credentials and issues an access token. Fails with `UnauthorizedError` — the same
   * message whether the email is unknown or the password wrong.
   */
  logIn: request({ pattern: 'identity.log-in', callers: [EDGE, SEED], request: LogIn, response: Session }),

  /**
   * Returns who a token speaks for. Idempotent. Fails with `UnauthorizedError` for a token that
   * is malformed, forged, expired, signed with another algorithm (including `none`), whose user
   * no longer exists, or issued before the account's last sign-out or password change.
   */
  verifyToken: request({
    pattern: 'identity.verify-token',
    callers: [EDGE],
    request: VerifyToken,
    response: Principal,
    idempotent: true,
  }),

  /**
   * Signs the account out everywhere: every token issued to it before stops verifying (the
   * edge has checked the caller's own token). Idempotent: repeated, it revokes again what was
   * issued before it. Fails with `NotFoundError`.
   */
  signOut: request({
    pattern: 'identity.sign-out',
    callers: [EDGE],
    request: SignOut,
    response: SignedOut,
    idempotent: true,
  }),

  /**
   * Replaces the account's password, proven by the current one, and signs it out everywhere
   * else: every token issued before stops verifying, and the answer carries a new one. Not
   * idempotent. Fails with `ForbiddenError` when the current password is wrong (or the account is
   * gone), `ValidationError` for a new password the policy refuses, `ConflictError` when the
   * password or the sessions changed meanwhile (another change won; try again).
   */
  changePassword: request({
    pattern: 'identity.change-password',
    callers: [EDGE],
    request: ChangePassword,
    response: Session,
  }),

  /** A user by id. Idempotent. Fails with `NotFoundError`. */
  getUser: request({
    pattern: 'identity.get-user',
    callers: [EDGE],
    request: GetUser,
    response: UserView,
    idempotent: true,
  }),

  /**
   * Sets a user's roles (the caller must be an admin; the edge checks). Only the edge (and the
   * seeder beside it, which creates the first admin) may call it, no module. Idempotent. Fails with
   * `NotFoundError`, and `ValidationError` for an empty list.
   */
  grantRoles: request({
    pattern: 'identity.grant-roles',
    callers: [EDGE, SEED],
    request: GrantRoles,
    response: UserView,
    idempotent: true,
  }),

  /**
   * A customer's order activity (confirmed and cancelled orders, net amount spent), kept from
   * the orders module's events. Idempotent. Answers zeros for a customer with no orders yet.
   */
  getCustomerActivity: request({
    pattern: 'identity.get-customer-activity',
    callers: [EDGE],
    request: GetCustomerActivity,
    response: CustomerActivity,
    idempotent: true,
  }),

  /** A customer account was created. */
  userRegistered: event({ pattern: 'identity.user.registered', subscribers: [], payload: UserRegistered }),
});
