export * from './account';
export * from './actions.port';
export * from './agents.port';
export * from './connector.port';
export * from './contacts.port';
export * from './credentials.port';
export * from './interactions.port';
export * from './upstream-observer';
