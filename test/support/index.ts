export * from './broker.js';
export * from './names.js';
export * from './ports.js';
