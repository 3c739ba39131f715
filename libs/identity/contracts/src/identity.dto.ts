import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

/** The roles a user can have. `admin` may manage the catalog and stock. */
export const ROLES = ['customer', 'admin'] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** `identity.register-user`: a new customer account. */
export class RegisterUser {
  /** Unique, compared case-insensitively. */
  @IsEmail() @MaxLength(200) email!: string;
  /** 8 to 128 characters; stored only as a slow (scrypt) hash. */
  @IsString() @MinLength(8) @MaxLength(128) password!: string;
  /** Not blank; no U+0000, which PostgreSQL refuses in every text value. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  // oxlint-disable-next-line no-control-regex -- U+0000 is the very character refused
  @Matches(/^[^\u0000]*$/, { message: 'name must not contain U+0000 (NUL)' })
  name!: string;
}

/** A user as other modules see it: never the password hash. */
export class UserView {
  id!: string;
  email!: string;
  name!: string;
  roles!: Role[];
  /** ISO-8601 */
  createdAt!: string;
}

/** `identity.log-in`: credentials. */
export class LogIn {
  @IsEmail() @MaxLength(200) email!: string;
  @IsString() @MinLength(1) @MaxLength(128) password!: string;
}

/** A signed access token and who it is for. */
export class Session {
  /** A JWT (HS256) to send as `Authorization: Bearer <token>`. */
  accessToken!: string;
  tokenType!: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn!: number;
  user!: UserView;
}

/** `identity.verify-token`: a token presented to an edge. */
export class VerifyToken {
  @IsString() @MinLength(1) @MaxLength(4096) token!: string;
}

/** Who a valid token speaks for. */
export class Principal {
  userId!: string;
  email!: string;
  roles!: Role[];
}

/**
 * `identity.sign-out`: every access token issued to the account so far stops working, on every
 * device (tokens are not kept server-side, so one token cannot be singled out).
 */
export class SignOut {
  @MaxLength(36) @IsUUID('4') userId!: string;
}

/** What `identity.sign-out` did. */
export class SignedOut {
  userId!: string;
}

/**
 * `identity.change-password`: the account's new password, proven by its current one. Every token
 * issued before stops working; the answer carries a new one.
 */
export class ChangePassword {
  @MaxLength(36) @IsUUID('4') userId!: string;
  @IsString() @MinLength(1) @MaxLength(128) currentPassword!: string;
  /** 8 to 128 characters, not the email address (the same policy as registration). */
  @IsString() @MinLength(8) @MaxLength(128) newPassword!: string;
}

/** `identity.get-user` */
export class GetUser {
  @MaxLength(36) @IsUUID('4') userId!: string;
}

/** `identity.grant-roles` (admin): the roles a user should have from now on (at least one). */
export class GrantRoles {
  @MaxLength(36) @IsUUID('4') userId!: string;
  @IsArray() @IsIn(ROLES, { each: true }) @ArrayMinSize(1) @ArrayMaxSize(ROLES.length) roles!: Role[];
}

/** `identity.get-customer-activity`: whose activity. */
export class GetCustomerActivity {
  @MaxLength(36) @IsUUID('4') customerId!: string;
}

/** What a customer spent in one currency. */
export class SpentAmount {
  /** In minor units (cents). */
  amount!: number;
  currency!: string;
}

/**
 * A customer's order activity as identity knows it, built from the orders module's events:
 * confirmed and cancelled orders, and the net amount spent per currency (confirmed minus
 * cancelled). Eventually consistent: an order counts once its event has been delivered.
 */
export class CustomerActivity {
  customerId!: string;
  confirmedOrders!: number;
  cancelledOrders!: number;
  /** One entry per currency used, sorted by currency; empty before the first order. */
  spent!: SpentAmount[];
}
