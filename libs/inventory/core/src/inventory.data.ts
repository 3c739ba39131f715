import { defineModuleData } from '@seam/persistence';
import { CreateStock1764100000000 } from './infrastructure/migrations/1764100000000-create-stock.js';
import { CreateInventoryMessaging1764100000001 } from './infrastructure/migrations/1764100000001-create-inventory-messaging.js';
import { IndexInventoryInbox1796600000000 } from './infrastructure/migrations/1796600000000-index-inventory-inbox.js';
import { IndexReservationAge1797200000000 } from './infrastructure/migrations/1797200000000-index-reservation-age.js';
import { ReservationLineRecord } from './infrastructure/reservation-line.record.js';
import { ReservationRecord } from './infrastructure/reservation.record.js';
import { StockItemRecord } from './infrastructure/stock-item.record.js';

/** The inventory's own data: its entities and its migrations, in order. */
export const inventoryData = defineModuleData({
  module: 'inventory',
  entities: [StockItemRecord, ReservationRecord, ReservationLineRecord],
  migrations: [
    CreateStock1764100000000,
    CreateInventoryMessaging1764100000001,
    IndexInventoryInbox1796600000000,
    IndexReservationAge1797200000000,
  ],
});
