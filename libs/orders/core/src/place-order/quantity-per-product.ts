import { MAX_QUANTITY_PER_PRODUCT, type OrderLineRequest } from '@contracts/orders';
import { type FieldViolation, invalidPayload } from '@seam/transport';

/**
 * Holds the lines of one sku, added up as the order places them (`mergeLines`), to
 * {@link MAX_QUANTITY_PER_PRODUCT}: the door checks each line alone, so twenty lines of 100 would
 * otherwise place 2,000 units. Each offending sku is reported as the door reports a line, at the
 * line that takes its total over the limit, before anything is looked up or stored.
 *
 * @throws ValidationError (`Invalid PlaceOrder`) with a field `lines[i].quantity` per offending sku.
 */
export function assertQuantityPerProduct(lines: readonly OrderLineRequest[]): void {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of lines) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  const running = new Map<string, number>();
  const fields: FieldViolation[] = [];
  lines.forEach(({ sku, quantity }, index) => {
    const before = running.get(sku) ?? 0;
    running.set(sku, before + quantity);
    if (before > MAX_QUANTITY_PER_PRODUCT || before + quantity <= MAX_QUANTITY_PER_PRODUCT) return;
    const total = totals.get(sku)!;
    fields.push({
      path: `lines[${index}].quantity`,
      messages: [
        `quantity of ${sku} must not be greater than ${MAX_QUANTITY_PER_PRODUCT} in all: its lines add up to ${total}`,
      ],
    });
  });
  if (fields.length > 0) throw invalidPayload('Invalid PlaceOrder', fields);
}
