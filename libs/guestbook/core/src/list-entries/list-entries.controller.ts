import { Payload } from '@nestjs/microservices';
import { type GuestbookEntries, GuestbookContract, type ListEntriesRequest } from '@contracts/guestbook';
import { ContractController, Handle } from '@seam/transport';
import { Guestbook } from '../domain/guestbook.domain.js';

/** Answers `guestbook.list-entries`. */
@ContractController(GuestbookContract)
export class ListEntriesController {
  constructor(private readonly guestbook: Guestbook) {}

  @Handle(GuestbookContract.listEntries)
  list(@Payload() request: ListEntriesRequest): GuestbookEntries {
    return { entries: this.guestbook.latest(request.limit) };
  }
}
