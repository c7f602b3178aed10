/**
 * Money arithmetic in integer cents, so that sums never pick up binary floating-point noise.
 * @module
 */

/**
 * Converts an amount in currency units to integer cents, rounding half away from zero.
 * @param {number} amount - An amount such as 12.5.
 * @returns {number} The amount in cents (1250).
 */
export function toCents(amount) {
  if (!Number.isFinite(amount)) throw new RangeError(`not a finite amount: ${amount}`);
  return Math.sign(amount) * Math.round(Math.abs(amount) * 100);
}

/**
 * Formats cents as a currency string with two decimals.
 * @param {number} cents - Integer cents.
 * @param {string} [currency] - ISO 4217 code placed before the amount.
 * @returns {string} For example `EUR 12.50`.
 */
export function formatCents(cents, currency = 'EUR') {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  return `${sign}${currency} ${units}.${rest}`;
}
