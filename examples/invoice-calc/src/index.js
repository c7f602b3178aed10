/**
 * Invoice totals: line items, percentage discounts and tax, computed in cents.
 * @module
 */
import { formatCents, toCents } from './money.js';

export { formatCents, toCents };

/**
 * One line of an invoice.
 * @typedef {object} LineItem
 * @property {string} description - What was sold.
 * @property {number} unitPrice - Price of one unit, in currency units.
 * @property {number} quantity - How many units.
 */

/**
 * Adds up the line items of an invoice.
 * @param {LineItem[]} items - The invoice lines.
 * @returns {number} The subtotal in cents.
 */
export function subtotal(items) {
  return items.reduce((sum, item) => {
    if (item.quantity < 0) throw new RangeError(`negative quantity for ${item.description}`);
    return sum + toCents(item.unitPrice) * item.quantity;
  }, 0);
}

/**
 * Applies a percentage discount, rounding to the nearest cent.
 * @param {number} cents - Amount in cents.
 * @param {number} percent - Discount between 0 and 100.
 * @returns {number} The discounted amount in cents.
 */
export function applyDiscount(cents, percent) {
  if (percent < 0 || percent > 100) throw new RangeError(`discount out of range: ${percent}`);
  return Math.round((cents * (100 - percent)) / 100);
}

/**
 * Computes the total of an invoice: subtotal, then discount, then tax on the discounted amount.
 * @param {LineItem[]} items - The invoice lines.
 * @param {{ discountPercent?: number, taxPercent?: number }} [options] - Discount and tax rates.
 * @returns {{ subtotal: number, discount: number, tax: number, total: number }} Amounts in cents.
 */
export function invoiceTotal(items, options = {}) {
  const { discountPercent = 0, taxPercent = 0 } = options;
  const gross = subtotal(items);
  const discounted = applyDiscount(gross, discountPercent);
  const tax = Math.round((discounted * taxPercent) / 100);
  return { subtotal: gross, discount: gross - discounted, tax, total: discounted + tax };
}
