export { WsTransport, type WsTransportOptions } from './ws-transport';
export { TOKEN_REUSE_MARGIN_MS } from './ws-pool';
export { urlWithToken } from './ws-dial';
