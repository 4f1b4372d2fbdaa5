// The entry by its former name: the same as the package's main entry.
export * from './index.js';
export { default } from './index.js';
