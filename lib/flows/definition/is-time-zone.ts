/** True for a time zone name this runtime knows (IANA, e.g. "Europe/Paris"). Client-safe. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
