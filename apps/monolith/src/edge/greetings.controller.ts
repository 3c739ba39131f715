import { Controller, Get, Query, UseFilters } from '@nestjs/common';
import { type ComposeGreetingRequest, type ComposeGreetingResponse, GreeterContract } from '@contracts/greeter';
import { type GuestbookEntries, GuestbookContract, type ListEntriesRequest } from '@contracts/guestbook';
import { SeamClient } from '@seam/transport';
import { SeamHttpExceptionFilter } from './seam-http-exception.filter.js';

/**
 * HTTP routes of the example modules. Each route only translates HTTP to one contract call:
 * the module validates the request at its door, and failures map to HTTP in the filter.
 */
@Controller('api')
@UseFilters(SeamHttpExceptionFilter)
export class GreetingsController {
  constructor(private readonly seam: SeamClient) {}

  /** `GET /api/greetings?name=Ada&language=fr` */
  @Get('greetings')
  greet(@Query('name') name?: string, @Query('language') language?: string): Promise<ComposeGreetingResponse> {
    return this.seam.send(GreeterContract.composeGreeting, { name, language } as ComposeGreetingRequest);
  }

  /** `GET /api/guestbook?limit=10` */
  @Get('guestbook')
  guestbook(@Query('limit') limit?: string): Promise<GuestbookEntries> {
    return this.seam.send(GuestbookContract.listEntries, { limit: fromQuery(limit) } as ListEntriesRequest);
  }
}

/** Query values are text: an integer is passed on as a number, anything else as is, for the door to refuse. */
function fromQuery(value: string | undefined): unknown {
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : value;
}
