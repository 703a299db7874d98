export * from './actions';
export * from './agents';
export * from './connector';
export * from './contacts';
export * from './credentials';
export * from './interactions';
