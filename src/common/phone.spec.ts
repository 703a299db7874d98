import { toE164 } from './phone';

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
