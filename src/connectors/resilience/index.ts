export * from './http-upstream';
export * from './retry-after';
export * from './upstream-guard';
