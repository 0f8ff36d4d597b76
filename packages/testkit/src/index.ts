export * from './capture-logs.js';
export * from './chromium.js';
export * from './free-port.js';
export * from './redis-cluster.js';
export * from './redis-server.js';
export * from './resp.js';
export * from './static-server.js';
