/**
 * The status each successful outcome is answered with (failures: see errors.ts). Controllers
 * and services take them from here, so the contract's table lives in one place.
 */
export const OUTCOME_STATUS = {
  /** Authorization validation: the credentials are valid, nothing to store. */
  credentialsValid: 204,
  /** Authorization validation: valid, with fields for Talkdesk to store. */
  credentialsValidWithFields: 200,
  /** Action execution: the action ran. */
  actionRun: 201,
  /** Contact and agent synchronization, interaction retrieval, configuration. */
  ok: 200,
} as const;
