/**
 * A few facts the desktop shell remembers between runs that are not user settings (so they stay out of the
 * settings table the window and the CLI list): whether the close-to-tray notice and the key-file notice were shown,
 * and the window's zoom.
 * Kept in `<data dir>/desktop-state.json`, written atomically; a missing or damaged file just means "not yet".
 */
import fs from 'node:fs';
import path from 'node:path';

export const SHELL_STATE_FILE = 'desktop-state.json';

export interface ShellStateData {
  closeNoticeShown?: boolean;
  keyFileNoticeShown?: boolean;
  /**
   * DECISION: the zoom is remembered across runs: whoever needs bigger text needs it every time. Read back through
   * `restoredZoomFactor` (zoom-keys.ts), since the file may be damaged or hand-edited.
   */
  zoomFactor?: number;
}

export class ShellState {
  private data: ShellStateData;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, SHELL_STATE_FILE);
    this.data = read(this.file);
  }

  get<K extends keyof ShellStateData>(key: K): ShellStateData[K] {
    return this.data[key];
  }

  set<K extends keyof ShellStateData>(key: K, value: ShellStateData[K]): void {
    this.data = { ...this.data, [key]: value };
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const temp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, JSON.stringify(this.data, null, 2), { mode: 0o600 });
      fs.renameSync(temp, this.file);
    } catch {
      // Not worth failing over: at worst a notice shows once more, or the zoom is back at 100%, next time.
    }
  }

  /** Runs `show` the first time only, across runs. */
  once(key: 'closeNoticeShown' | 'keyFileNoticeShown', show: () => void): boolean {
    if (this.data[key]) return false;
    this.set(key, true);
    show();
    return true;
  }
}

function read(file: string): ShellStateData {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}
