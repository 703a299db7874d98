import { join } from 'node:path';
import { loadManifest } from './load-manifest';
import { longestPacingInterval, pacingBudgetWarning } from './pacing-budget';

const manifest = (name: string) => loadManifest(join(__dirname, '../../../../connectors', name));

describe('pacing against the request budget', () => {
  it('finds the longest interval among the manifest’s and its requests’ pacings', () => {
    // Zendesk: 18 per 6 s for the account, the export 1 per 7 s.
    expect(longestPacingInterval(manifest('zendesk.yaml'))).toBe(7000);
  });

  it('warns when a window is longer than the budget leaves to wait, naming the budget that fits', () => {
    const warning = pacingBudgetWarning(manifest('zendesk.yaml'), 5000);
    expect(warning).toMatch(/every 7000 ms/);
    expect(warning).toMatch(/Set REQUEST_BUDGET_MS=8000/);
    expect(pacingBudgetWarning(manifest('zendesk.yaml'), 8000)).toBeUndefined();
  });

  it('says nothing when every window fits the budget, or nothing is paced', () => {
    // HubSpot: 4 per second.
    expect(longestPacingInterval(manifest('hubspot.yaml'))).toBe(1000);
    expect(pacingBudgetWarning(manifest('hubspot.yaml'), 5000)).toBeUndefined();
    expect(longestPacingInterval(manifest('salesforce.yaml'))).toBe(0);
    expect(pacingBudgetWarning(manifest('salesforce.yaml'), 1000)).toBeUndefined();
  });
});
