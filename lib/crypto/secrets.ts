import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

// Provider tokens and secrets are stored as `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url),
// AES-256-GCM. keyId is a fingerprint of the key, so during a rotation the previous key
// (ENCRYPTION_KEY_PREVIOUS) still decrypts old values while new ones use ENCRYPTION_KEY.

const PREFIX = "enc:v1";

type Key = { id: string; bytes: Buffer };

// Parsed keys by their text: every send decrypts its channel's credentials, and the key's
// fingerprint (a SHA-256) need not be recomputed each time. Keyed by the text, so a changed
// environment variable (tests) is honoured.
const parsedKeys = new Map<string, Key>();

function parseKey(text: string, variable: string): Key {
  const cached = parsedKeys.get(text);
  if (cached) return cached;
  const key = parseKeyText(text, variable);
  parsedKeys.set(text, key);
  return key;
}

function parseKeyText(text: string, variable: string): Key {
  const bytes = Buffer.from(text.trim(), "base64");
  if (bytes.length !== 32) throw new Error(`${variable} must be 32 random bytes, base64-encoded (openssl rand -base64 32)`);
  return { id: createHash("sha256").update(bytes).digest("hex").slice(0, 8), bytes };
}

function currentKey(): Key {
  const value = process.env.ENCRYPTION_KEY;
  if (!value) throw new Error("ENCRYPTION_KEY is not set");
  return parseKey(value, "ENCRYPTION_KEY");
}

function allKeys(): Key[] {
  const keys = [currentKey()];
  if (process.env.ENCRYPTION_KEY_PREVIOUS) keys.push(parseKey(process.env.ENCRYPTION_KEY_PREVIOUS, "ENCRYPTION_KEY_PREVIOUS"));
  return keys;
}

/** Encrypts a string with the current key. */
export function encryptSecret(plaintext: string): string {
  const key = currentKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [PREFIX, key.id, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(":");
}

/** Decrypts a value made by encryptSecret with the current or previous key; throws if tampered. */
export function decryptSecret(value: string): string {
  const parts = value.split(":");
  if (parts.length !== 6 || `${parts[0]}:${parts[1]}` !== PREFIX) throw new Error("Not an encrypted secret");
  const [, , keyId, iv, tag, ciphertext] = parts;
  const key = allKeys().find((candidate) => candidate.id === keyId);
  if (!key) throw new Error("The key that encrypted this secret is not configured (ENCRYPTION_KEY / ENCRYPTION_KEY_PREVIOUS)");
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

/** True when the value was encrypted with a key other than the current one (needs re-encryption). */
export function needsReencryption(value: string): boolean {
  return value.split(":")[2] !== currentKey().id;
}

export function encryptJson(value: unknown): string {
  return encryptSecret(JSON.stringify(value));
}

export function decryptJson(value: string): unknown {
  return JSON.parse(decryptSecret(value));
}

/** `EAAG…f3k`: enough to recognise a token, never enough to use it. */
export function maskSecret(value: string): string {
  if (value.length <= 8) return "…";
  return `${value.slice(0, 4)}…${value.slice(-3)}`;
}
