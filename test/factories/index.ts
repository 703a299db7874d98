export * from './account';
export * from './agent';
export * from './contact';
export * from './interaction';
