import { PHONE_FORMS, PHONE_FORM_EXAMPLES, PhoneForm, phoneForms } from './phone-forms';

const values = (
  raw: string,
  region = 'US',
  forms: readonly PhoneForm[] = PHONE_FORMS,
  last?: number,
) => phoneForms(raw, region, forms, last).map((f) => `${f.form}=${f.value}`);

describe('phoneForms', () => {
  it('spells a NANP number in every form, in the order asked', () => {
    expect(values('+12125551000')).toEqual([
      'e164=+12125551000',
      'international=+1 212 555 1000',
      'national=(212) 555-1000',
      'national_digits=2125551000',
      'digits=12125551000',
      'last_digits=5551000',
    ]);
    expect(values('+12125551000', 'US', ['national', 'e164'])).toEqual([
      'national=(212) 555-1000',
      'e164=+12125551000',
    ]);
  });

  it('matches the examples documented for each form', () => {
    const spelled = Object.fromEntries(
      phoneForms('+12125551000', 'US', PHONE_FORMS).map((f) => [f.form, f.value]),
    );
    for (const form of PHONE_FORMS.filter((f) => f !== 'last_digits')) {
      expect(spelled[form]).toBe(PHONE_FORM_EXAMPLES[form]);
    }
  });

  it('keeps the trunk prefix in national forms and reads numbers written without a country code', () => {
    expect(
      values('+44 20 7183 8750', 'US', ['national', 'national_digits', 'last_digits'], 6),
    ).toEqual(['national=020 7183 8750', 'national_digits=02071838750', 'last_digits=838750']);
    expect(values('(212) 555-1000', 'US', ['e164'])).toEqual(['e164=+12125551000']);
  });

  it('never asks for the same text twice', () => {
    // For a number whose national digits are all its digits, `digits` equals `national_digits`.
    const forms = phoneForms('+33612345678', 'FR', ['national_digits', 'digits', 'e164']);
    expect(new Set(forms.map((f) => f.value)).size).toBe(forms.length);
  });

  it('keeps only the digit forms of a number it cannot read', () => {
    expect(values('ext. 12', 'US')).toEqual([]);
    expect(values('0199 8877 6012 (old)', 'US', PHONE_FORMS, 7)).toEqual([
      'digits=019988776012',
      'last_digits=8776012',
    ]);
    expect(values('   ', 'US')).toEqual([]);
  });
});
