// Kept for imports written before src/core/terminal.ts existed: one escaper, defined there.
export { printable } from './terminal.js';
