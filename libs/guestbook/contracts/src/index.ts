export * from './list-entries.dto.js';
export * from './guestbook.contract.js';
