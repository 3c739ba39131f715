export { GuestbookModule } from './guestbook.module.js';
