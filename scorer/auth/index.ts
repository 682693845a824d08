export * from './id-token';
export * from './jwks';
export * from './middleware';
export * from './roles';
export * from './tokens';
