// Types for the tests that import the ESLint plugin (plugin.mjs).
import type { ESLint } from 'eslint';
declare const plugin: ESLint.Plugin;
export default plugin;
