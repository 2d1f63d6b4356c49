import { describe, expect, it } from 'vitest';
import { slugify } from './AdminPage';

describe('custom field API names', () => {
  it('derives a valid name from the label', () => {
    expect(slugify('Contract reference')).toBe('contract_reference');
    expect(slugify('Région (EU)')).toBe('region_eu');
    expect(slugify('2nd phone')).toBe('f_2nd_phone');
    expect(slugify('cf_thing')).toBe('thing');
    expect(slugify('!!!')).toBe('');
  });
});
