/** What an upstream exchange fails with when the client went away: callers tell it apart by its name. */
export function abortError(): Error {
  const error = new Error('The client went away');
  error.name = 'AbortError';
  return error;
}
