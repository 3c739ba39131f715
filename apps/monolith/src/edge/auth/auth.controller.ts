import { Body, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { IdentityContract, type Principal } from '@contracts/identity';
import { SeamClient } from '@seam/transport';
import { ApiProblems } from '../docs/api-problems.decorator.js';
import { EdgeController } from '../edge-controller.decorator.js';
import { AuthAttempts } from '../throttling/auth-attempts.decorator.js';
import { Authenticated, CurrentPrincipal } from './auth.decorators.js';
import {
  ActivityResponse,
  ChangePasswordRequest,
  LoginRequest,
  RegisterRequest,
  SessionResponse,
  UserResponse,
} from './auth.dto.js';

/** Accounts and access tokens, through `IdentityContract`. */
@EdgeController('api', 'auth')
export class AuthController {
  constructor(private readonly seam: SeamClient) {}

  @Post('auth/register')
  @ApiOperation({ summary: 'Create a customer account' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiProblems(409)
  @AuthAttempts()
  async register(@Body() body: RegisterRequest): Promise<UserResponse> {
    return UserResponse.from(
      await this.seam.send(IdentityContract.registerUser, {
        email: body.email,
        password: body.password,
        name: body.name,
      }),
    );
  }

  @Post('auth/login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange credentials for an access token' })
  @ApiOkResponse({ type: SessionResponse })
  @ApiProblems(401)
  @AuthAttempts()
  async logIn(@Body() body: LoginRequest): Promise<SessionResponse> {
    return SessionResponse.from(
      await this.seam.send(IdentityContract.logIn, { email: body.email, password: body.password }),
    );
  }

  @Post('auth/logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authenticated()
  @ApiOperation({
    summary: 'Sign out everywhere',
    description:
      'Every access token issued to this account so far — this one and those of every other device — stops ' +
      'working at once. Tokens are not stored server-side, so one of them cannot be signed out alone.',
  })
  @ApiNoContentResponse({ description: 'Signed out' })
  async logOut(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.seam.send(IdentityContract.signOut, { userId: principal.userId });
  }

  @Post('auth/password')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({
    summary: 'Change the password',
    description:
      'Needs the current password (403 when it is wrong). Every access token issued before stops working, on ' +
      'every device; the answer carries a new one for this client. Attempts are throttled as log-ins are.',
  })
  @ApiOkResponse({ type: SessionResponse })
  @ApiProblems(403, 409)
  @AuthAttempts()
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordRequest,
  ): Promise<SessionResponse> {
    return SessionResponse.from(
      await this.seam.send(IdentityContract.changePassword, {
        userId: principal.userId,
        currentPassword: body.currentPassword,
        newPassword: body.newPassword,
      }),
    );
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The account the access token belongs to' })
  @ApiOkResponse({ type: UserResponse })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserResponse> {
    return UserResponse.from(await this.seam.send(IdentityContract.getUser, { userId: principal.userId }));
  }

  @Get('me/activity')
  @Authenticated()
  @ApiOperation({
    summary: 'The signed-in customer’s orders confirmed and cancelled, and the amount spent',
    description: 'Kept from order events: an order shows here shortly after it is confirmed.',
  })
  @ApiOkResponse({ type: ActivityResponse })
  async activity(@CurrentPrincipal() principal: Principal): Promise<ActivityResponse> {
    return ActivityResponse.from(
      await this.seam.send(IdentityContract.getCustomerActivity, { customerId: principal.userId }),
    );
  }
}
