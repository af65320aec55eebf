/**
 * Configuration of the local stack (`npm start`): the shared configuration module
 * (config/index.ts), whose defaults are the stack's. Kept for existing imports.
 */
export { type Config as LocalStackConfig, loadConfig as loadLocalStackConfig } from '../config/index.js';
