/**
 * Saves text the window made as a file, through a blob link: the browser asks where to save it, and the desktop
 * shell lets only blob and data downloads through (main/electron/window.ts). The URL lives long enough for the
 * download to start, then is freed.
 */
export function saveFile(text: string, type: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Today's date for a file name, as `2026-12-01`. */
export const fileDate = (): string => new Date().toISOString().slice(0, 10);
