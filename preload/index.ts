/**
 * The Electron preload: exposes the contract's domain API as `window.orchids`, nothing else. No raw ipcRenderer
 * reaches the page; only the contract's channels can be invoked, and each subscription removes exactly its own
 * listener (contextBridge wraps functions in new proxies, so the page's function could never be matched).
 * IPC to our own main process cannot drop and come back, so `connection` never fires here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi, type Envelope } from '../contract/api';
import { CONNECTION_EVENT, IPC_EVENT_CHANNEL } from '../contract/channels';

const api = buildApi(
  (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Envelope<unknown>>,
  (event, listener) => {
    if (event === CONNECTION_EVENT) return () => {};
    const handler = (_event: IpcRendererEvent, message: { name: string; payload: unknown }): void => {
      if (message?.name === event) listener(message.payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
);

contextBridge.exposeInMainWorld('orchids', api);
