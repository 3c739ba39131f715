import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Request of `guestbook.list-entries`. Unknown fields are refused at the door. */
export class ListEntriesRequest {
  /** How many entries to return, newest first: an integer from 1 to 100 (default: all kept, at most 100). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** One greeting the guestbook heard of. */
export class GuestbookEntry {
  /** Who was greeted. */
  name!: string;
  /** The greeting they got. */
  greeting!: string;
  /** When the greeting was composed (ISO 8601, UTC). */
  at!: string;
}

/** Response of `guestbook.list-entries`. */
export class GuestbookEntries {
  /** The most recent entries, newest first. */
  entries!: GuestbookEntry[];
}
