export * from './alert.js';
export * from './alert-store.js';
