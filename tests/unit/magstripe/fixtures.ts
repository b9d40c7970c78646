import { CardRecordSchema, type CardRecord } from '../../../shared/domain/record';
import { ProductSchema, type Product } from '../../../shared/domain/product';
import { MagstripeProfileSchema, type MagstripeProfile } from '../../../shared/magstripe/profile';

// Test data for the magstripe tests: made-up cardholders on test PANs (Luhn-valid).
export function record(over: Partial<CardRecord> = {}): CardRecord {
  return CardRecordSchema.parse({ recordId: 'R-0001', pan: '4111111111111111', expiry: '2512', name: 'DOE/JOHN', ...over });
}

export function profile(over: Partial<MagstripeProfile> = {}): MagstripeProfile {
  return MagstripeProfileSchema.parse(over);
}

export function product(ms: Partial<MagstripeProfile> = {}): Product {
  return ProductSchema.parse({ id: 'msr-test', name: 'Stripe test', steps: ['magstripe'], magstripe: ms });
}
