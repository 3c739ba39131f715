import { Body, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { IdentityContract, type Principal } from '@contracts/identity';
import { SeamClient } from '@seam/transport';
import { ApiProblems } from '../docs/api-problems.decorator.js';
import { EdgeController } from '../edge-controller.decorator.js';
import { AuthAttempts } from '../throttling/auth-attempts.decorator.js';
import { Authenticated, CurrentPrincipal } from './auth.decorators.js';
import { ActivityResponse, LoginRequest, RegisterRequest, SessionResponse, UserResponse } from './auth.dto.js';

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
