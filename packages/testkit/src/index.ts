export { type AuthServer, type AuthServerOptions, startAuthServer } from './auth-server.js';
export { type LoopbackServer, readBody, sendJson, startLoopbackServer } from './loopback-server.js';
