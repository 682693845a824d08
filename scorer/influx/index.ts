export * from './client';
export * from './errors';
export * from './escape';
export * from './line-protocol';
export * from './schema';
export * from './series-query';
