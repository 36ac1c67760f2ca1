import { EventEmitter } from 'node:events';

/** Orchids' Clerk frontend API host, whose `__client` the sign-in window takes. */
export const CLERK_HOST = 'clerk.orchids.app';

/** Emits `changed` the way Electron's session.cookies does: (event, cookie, cause, removed). */
export class FakeCookieStore extends EventEmitter {
  set(name: string, value: string, domain = CLERK_HOST): void {
    this.emit('changed', {}, { name, value, domain }, 'explicit', false);
  }
  remove(name: string, value: string, domain = CLERK_HOST, cause = 'explicit'): void {
    this.emit('changed', {}, { name, value, domain }, cause, true);
  }
  /** What Electron emits when a page sets a cookie that already exists: the old one goes, the new one comes. */
  overwrite(name: string, previous: string, next: string, domain = CLERK_HOST): void {
    this.remove(name, previous, domain, 'overwrite');
    this.set(name, next, domain);
  }
}

/** Lets every promise reaction already queued run (a check's answer reaching the capture), then returns. */
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A probe for whether a promise has settled yet, without awaiting it. */
export const settled = <T>(promise: Promise<T>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
};
