export {
  createInboxReceivedAtIndex,
  createMessagingTables,
  dropInboxReceivedAtIndex,
  dropMessagingTables,
  INBOX_RECEIVED_AT_INDEX,
  MESSAGING_TABLES,
} from './messaging.tables.js';
export { Outbox, type OutboxAddOptions } from './outbox.js';
export { Inbox } from './inbox.js';
export { DEFAULT_INBOX_OPTIONS, type InboxOptions, inboxOptions } from './inbox-options.js';
export { InboxRetention } from './inbox-retention.js';
export { forgetInSlices, PeriodicPrune, type PruneJob, RetainedTable } from './periodic-prune.js';
export { settlesBy } from './settles-by.js';
export { OutboxStore, type ClaimedEvent, type ClaimOptions, type DeadLetter } from './outbox-store.js';
export { OutboxRelay, type RelayStats, runningRelays } from './outbox-relay.js';
export { DEFAULT_RELAY_OPTIONS, relayOptions, type RelayOptions } from './relay-options.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { SubscriberDirectory, type SubscriberDirectoryOptions, type Subscribers } from './subscriber-directory.js';
export { Sql } from './sql.js';
export { SeamMessagingModule, ModuleMessaging, type MessagingModuleOptions } from './seam-messaging.module.js';
export { EventSubscribers } from './event-subscribers.js';
export { reportSagaStates, type SagaStateSource, sagaStateSources } from './saga-states.js';
