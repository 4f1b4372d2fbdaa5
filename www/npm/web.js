// The entry by its former name: the package's one entry (index.js) serves native ES modules too.
export { default, boot } from './index.js';
