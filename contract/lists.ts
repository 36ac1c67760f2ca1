/**
 * How a list setting is written as text, in an environment variable (`ORCHIDS_TRAY_ALLOWED_HOSTS=a.lan,b.lan`) and
 * in the window's field alike: comma-separated, spaces around items ignored, empty items dropped, so "" is the
 * empty list.
 */
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
