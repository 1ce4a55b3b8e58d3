/**
 * Parses an `application/x-www-form-urlencoded` body (how Twilio posts webhooks). A key sent
 * more than once becomes an array of its values in order; every other key maps to one string.
 * The result feeds both verifyTwilioSignature, which must see every value, and parseTwilioWebhook.
 */
export function parseTwilioForm(raw: string): Record<string, string | string[]> {
  const values = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(raw)) {
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  }
  // Object.fromEntries defines own properties, so a `__proto__` key stays an ordinary field.
  return Object.fromEntries([...values].map(([name, list]) => [name, list.length === 1 ? list[0] : list]));
}
