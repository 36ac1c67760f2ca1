export { WsTransport, DEFAULT_PING_INTERVAL_MS, type WsTransportOptions } from './ws-transport';
export { TOKEN_REUSE_MARGIN_MS, type WsPoolStats } from './ws-pool';
export { urlWithToken } from './ws-dial';
