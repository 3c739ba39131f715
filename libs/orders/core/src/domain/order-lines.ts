/** Money in integer minor units (cents) of an ISO 4217 currency: never a float. */
export interface Money {
  amount: number;
  currency: string;
}

/** A line as the customer asked for it. */
export interface LineRequest {
  sku: string;
  quantity: number;
}

/** What the catalog says a sku costs, and whether it is on sale. */
export interface PriceQuote {
  sku: string;
  name: string;
  unitPrice: Money;
  active: boolean;
}

/** A line of a placed order, priced when the order was placed. */
export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
}

/** The outcome of pricing: priced lines and their total, or why the order cannot be placed. */
export type Pricing = { ok: true; lines: OrderLine[]; total: Money } | { ok: false; reason: string };

/**
 * One line per sku, quantities added up, in the order each sku first appears: asking twice for
 * a sku is asking for more of it, and the other modules see each sku once.
 */
export function mergeLines(lines: readonly LineRequest[]): LineRequest[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}

/** Unit price × quantity. */
export function lineTotal(line: OrderLine): Money {
  return { amount: line.unitPrice.amount * line.quantity, currency: line.unitPrice.currency };
}

/**
 * Prices the (merged) lines from the catalog's quotes. Refused, with the first offending line:
 * an unknown sku (`unknown product: <sku>`), a product no longer on sale (`not for sale: <sku>`),
 * lines in more than one currency (one order is paid in one currency), or a total above
 * `maxTotal` minor units (more than one payment may take: refused before any stock is held).
 */
export function priceLines(
  requested: readonly LineRequest[],
  quotes: readonly PriceQuote[],
  maxTotal = Number.MAX_SAFE_INTEGER,
): Pricing {
  if (requested.length === 0) return { ok: false, reason: 'no lines' };
  const bySku = new Map(quotes.map((quote) => [quote.sku, quote]));
  const unknown = requested.find((line) => !bySku.has(line.sku));
  if (unknown) return { ok: false, reason: `unknown product: ${unknown.sku}` };
  const lines = requested.map((line): OrderLine => {
    const quote = bySku.get(line.sku)!;
    return { sku: line.sku, name: quote.name, quantity: line.quantity, unitPrice: { ...quote.unitPrice } };
  });
  const inactive = requested.find((line) => !bySku.get(line.sku)!.active);
  if (inactive) return { ok: false, reason: `not for sale: ${inactive.sku}` };
  const currencies = [...new Set(lines.map((line) => line.unitPrice.currency))];
  if (currencies.length > 1) return { ok: false, reason: `mixed currencies: ${currencies.join(', ')}` };
  const total = totalOf(lines, currencies[0]!);
  if (total.amount > maxTotal)
    return { ok: false, reason: `order total too large: at most ${maxTotal} minor units of ${total.currency}` };
  return { ok: true, lines, total };
}

/** The sum of the line totals, in `currency` (every line must be in it). */
export function totalOf(lines: readonly OrderLine[], currency: string): Money {
  let amount = 0;
  for (const line of lines) {
    if (line.unitPrice.currency !== currency)
      throw new Error(`Line ${line.sku} is in ${line.unitPrice.currency}, not ${currency}`);
    amount += lineTotal(line).amount;
  }
  return { amount, currency };
}
