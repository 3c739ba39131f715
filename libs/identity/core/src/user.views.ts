import type { UserRegistered, UserView } from '@contracts/identity';
import { randomUUID } from 'node:crypto';
import type { User } from './domain/user.js';

/** A user as the contract shows it: never the password hash. */
export function toView(user: User): UserView {
  return { id: user.id, email: user.email, name: user.name, roles: [...user.roles], createdAt: user.createdAt };
}

/** The integration event telling other modules an account now exists. */
export function registeredEvent(user: User): UserRegistered {
  return { id: randomUUID(), occurredAt: user.createdAt, userId: user.id, email: user.email, name: user.name };
}
