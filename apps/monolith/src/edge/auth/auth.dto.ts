import { ApiProperty } from '@nestjs/swagger';
import { type CustomerActivity, ROLES, type Role, type Session, type UserView } from '@contracts/identity';
import { IsString, MaxLength } from 'class-validator';
import { MoneyDto } from '../money.dto.js';

// The edge checks the shape of what it receives; the rules (email syntax, password policy) are
// identity's, enforced at its door, and reported with the same field names.

/** `POST /api/auth/register` */
export class RegisterRequest {
  @ApiProperty({ format: 'email', maxLength: 200, example: 'ada@example.com' })
  @IsString()
  @MaxLength(200)
  email!: string;

  @ApiProperty({ minLength: 8, maxLength: 128, example: 'correct horse battery' })
  @IsString()
  @MaxLength(128)
  password!: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada Lovelace' })
  @IsString()
  @MaxLength(100)
  name!: string;
}

/** `POST /api/auth/login` */
export class LoginRequest {
  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  @IsString()
  @MaxLength(200)
  email!: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MaxLength(128)
  password!: string;
}

/** `POST /api/auth/password` */
export class ChangePasswordRequest {
  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MaxLength(128)
  currentPassword!: string;

  @ApiProperty({ minLength: 8, maxLength: 128, example: 'battery staple horse correct' })
  @IsString()
  @MaxLength(128)
  newPassword!: string;
}

/** A user account as the HTTP API shows it. */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES, isArray: true, example: ['customer'] }) roles!: Role[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(view: UserView): UserResponse {
    return { id: view.id, email: view.email, name: view.name, roles: [...view.roles], createdAt: view.createdAt };
  }
}

/** An access token to send as `Authorization: Bearer <accessToken>`. */
export class SessionResponse {
  @ApiProperty({ description: 'A JWT' }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires', example: 3600 }) expiresIn!: number;
  @ApiProperty({ type: UserResponse }) user!: UserResponse;

  static from(session: Session): SessionResponse {
    return {
      accessToken: session.accessToken,
      tokenType: session.tokenType,
      expiresIn: session.expiresIn,
      user: UserResponse.from(session.user),
    };
  }
}

/** The signed-in customer's order activity (kept by identity from order events: eventually consistent). */
export class ActivityResponse {
  @ApiProperty({ description: 'Orders confirmed so far' }) confirmedOrders!: number;
  @ApiProperty({ description: 'Orders cancelled after confirmation' }) cancelledOrders!: number;
  @ApiProperty({ type: MoneyDto, isArray: true, description: 'Net amount spent, per currency' }) spent!: MoneyDto[];

  static from(activity: CustomerActivity): ActivityResponse {
    return {
      confirmedOrders: activity.confirmedOrders,
      cancelledOrders: activity.cancelledOrders,
      spent: activity.spent.map((money) => MoneyDto.from(money)),
    };
  }
}
