import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDiscount, formatCents, invoiceTotal, subtotal, toCents } from '../src/index.js';

const items = [
  { description: 'Widget', unitPrice: 19.99, quantity: 3 },
  { description: 'Gadget', unitPrice: 5.5, quantity: 2 },
];

test('toCents rounds half away from zero', () => {
  assert.equal(toCents(0.005), 1);
  assert.equal(toCents(-0.005), -1);
  assert.throws(() => toCents(Number.NaN), RangeError);
});

test('formatCents pads the cents and keeps the sign', () => {
  assert.equal(formatCents(1205), 'EUR 12.05');
  assert.equal(formatCents(-50, 'USD'), '-USD 0.50');
});

test('subtotal multiplies unit prices by quantities in cents', () => {
  assert.equal(subtotal(items), 7097);
  assert.throws(() => subtotal([{ description: 'x', unitPrice: 1, quantity: -1 }]), RangeError);
});

test('applyDiscount rejects rates outside 0..100', () => {
  assert.equal(applyDiscount(1000, 15), 850);
  assert.throws(() => applyDiscount(1000, 120), RangeError);
});

test('invoiceTotal applies the discount before the tax', () => {
  assert.deepEqual(invoiceTotal(items, { discountPercent: 10, taxPercent: 20 }), {
    subtotal: 7097,
    discount: 710,
    tax: 1277,
    total: 7664,
  });
});
