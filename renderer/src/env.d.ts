import type { OrchidsApi } from '../../contract/api';

declare global {
  interface Window {
    /** The whole backend as far as the window knows: the Electron preload or the headless HTTP bridge defines it. */
    orchids: OrchidsApi;
  }
}

export {};
