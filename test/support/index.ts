export * from './broker.js';
export * from './names.js';
export * from './ports.js';
export * from './worker-process.js';
export * from './memory-app.js';
export * from './http.js';
