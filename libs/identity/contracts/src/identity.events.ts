import { IsEmail, IsISO8601, IsString, IsUUID } from 'class-validator';

/** `identity.user.registered`: a new account exists. */
export class UserRegistered {
  @IsUUID('4') id!: string;
  @IsISO8601() occurredAt!: string;
  @IsUUID('4') userId!: string;
  @IsEmail() email!: string;
  @IsString() name!: string;
}
