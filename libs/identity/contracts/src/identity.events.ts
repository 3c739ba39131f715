import { IsEmail, IsISO8601, IsString, IsUUID, MaxLength } from 'class-validator';

/** `identity.user.registered`: a new account exists. */
export class UserRegistered {
  @MaxLength(36) @IsUUID('4') id!: string;
  @MaxLength(40) @IsISO8601() occurredAt!: string;
  @MaxLength(36) @IsUUID('4') userId!: string;
  @IsEmail() @MaxLength(200) email!: string;
  @IsString() @MaxLength(100) name!: string;
}
