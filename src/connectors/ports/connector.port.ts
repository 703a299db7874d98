import { CallOptions } from './account';

export interface AuthenticationField {
  /** Key of the field in `auth`. */
  field_name: string;
  display: string;
  source: 'input' | 'default' | 'auth_validation';
  type: 'input' | 'oauth';
  mandatory: boolean;
  store: boolean;
  help?: string;
  format?: string;
}

export interface ConnectorCapabilities {
  authValidation: boolean;
  contacts: boolean;
  agents: boolean;
  /** Interaction types the adapter can retrieve; empty when it cannot retrieve interactions. */
  interactionTypes: string[];
  /**
   * How contacts can be listed. `incremental` (the default): in ascending (updatedAt, id) order,
   * honouring `after` and `changedSince`, so that syncs resume from checkpoints. `full`: the
   * external system cannot filter by update time, so contacts come in its own order, paged by
   * `resume` alone (`after` and `changedSince` are ignored): every sync reads every contact and
   * no checkpoint is issued.
   */
  contactSync?: 'incremental' | 'full';
  /**
   * How a full sync of an incremental connector (a run without checkpoint) lists contacts:
   * `ordered` (the default), in (updatedAt, id) order like an incremental run; `unordered`, in
   * the external system's own order through a listing without update-time filter (one that has
   * no cap on its results where the incremental query has one), paged by `resume` alone
   * (ContactQuery.unordered). The contacts service then checks no order in that run, issues no
   * checkpoint until it ends, and the checkpoint it issues then claims only the run's upper
   * bound.
   */
  fullSyncOrder?: 'ordered' | 'unordered';
  /**
   * The shortest look-back window incremental syncs need with this system (ms), e.g. one that
   * makes changes visible late; the larger of it and INCREMENTAL_LOOKBACK_SECONDS applies.
   */
  minimumLookbackMs?: number;
  /**
   * The precision of contacts' update times (ms): 1 (the default) for epoch milliseconds, 1000
   * for a system that keeps whole seconds. Contacts' `updatedAt` is a multiple of it, and the
   * bridge truncates a run's bounds and its checkpoints to it: an instant the system cannot tell
   * apart from the run's start is never inside a run.
   */
  updatedAtPrecisionMs?: number;
  /**
   * How long after a change the external system starts listing it (ms), for one that leaves out
   * the most recent changes on purpose (Zendesk's incremental exports: the last minute). The
   * bridge bounds a run that much before it started, so that no checkpoint claims an instant
   * whose changes could not be read yet.
   */
  visibilityDelayMs?: number;
}

/** What the external system is and can do, for the integration configuration and health checks. */
export abstract class ConnectorPort {
  abstract readonly kind: string;
  abstract readonly authenticationType: 'none' | 'custom' | 'oauth2';
  abstract readonly authenticationFields: AuthenticationField[];
  abstract readonly capabilities: ConnectorCapabilities;
  /** The name of the manifest that describes the external system, for connectors driven by one. */
  get manifestName(): string | undefined {
    return undefined;
  }
  /** Resolves when the external system answers; rejects with the reason otherwise. */
  abstract ping(options: CallOptions): Promise<void>;
}
