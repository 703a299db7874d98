/** What the REST connector needs to know, handed to RestConnectorModule.forRoot. */
export interface RestSettings {
  /** The manifest file (YAML or JSON). */
  readonly connectorManifest?: string;
  /** Overrides the manifest's base URL (a staging API, a local stand-in). */
  readonly connectorBaseUrl?: string;
  /** ISO 3166 region for phone numbers the API returns without a country code. */
  readonly defaultPhoneRegion: string;
  /** Each request's time budget: a pacing window longer than it cannot be waited for. */
  readonly requestBudgetMs?: number;
  /** How long upstream pages kept for a run's next batch live (memory and Redis). */
  readonly restKeptPagesTtlSeconds?: number;
}
