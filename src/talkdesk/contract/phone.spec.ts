import { contactPhone, phoneLookupForms, phoneLookupKey, toE164 } from './phone';

describe('toE164', () => {
  it('normalizes national numbers with the default region', () => {
    expect(toE164('(212) 555-0134', 'US')).toBe('+12125550134');
  });

  it('keeps the country code written in the number', () => {
    expect(toE164('+44 20 7946 0958', 'US')).toBe('+442079460958');
  });

  it('answers null for text that is no phone number', () => {
    expect(toE164('ext 123', 'US')).toBeNull();
  });
});

describe('contactPhone', () => {
  it('sends E.164 when the number can be read', () => {
    expect(contactPhone('(212) 555-0134', 'US')).toEqual({
      value: '+12125550134',
      normalized: true,
    });
  });

  it('keeps a number it cannot read as given', () => {
    expect(contactPhone('ext 123', 'US')).toEqual({ value: 'ext 123', normalized: false });
  });
});

describe('phoneLookupKey', () => {
  it('gives two spellings of one number the same key', () => {
    expect(phoneLookupKey('+1 212 555 0134', 'US')).toBe(phoneLookupKey('(212) 555-0134', 'US'));
  });

  it('falls back to the digits alone for a number it cannot read', () => {
    expect(phoneLookupKey('ext. 12-3', 'US')).toBe('123');
  });

  it('has no key for blank input', () => {
    expect(phoneLookupKey('  ', 'US')).toBeUndefined();
  });
});

describe('phoneLookupForms', () => {
  it('offers the trimmed text, E.164 and the digits', () => {
    expect(phoneLookupForms(' (212) 555-0134 ', 'US')).toEqual({
      phone: '(212) 555-0134',
      phone_e164: '+12125550134',
      phone_digits: '2125550134',
    });
  });

  it('falls back to the trimmed text where E.164 cannot be had', () => {
    expect(phoneLookupForms(' ext 9 ', 'US').phone_e164).toBe('ext 9');
  });
});
