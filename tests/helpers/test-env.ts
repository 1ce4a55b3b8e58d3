// Values shared by the global setup (main process) and the per-file setup (workers).

/** A fixed secret: tests sign session cookies and invitation tokens with it. */
export const TEST_NEXTAUTH_SECRET = "switchboard-test-secret-0123456789-abcdefghij";
export const TEST_BASE_URL = "http://localhost:3000";
/** 32 fixed bytes, base64: the secrets-at-rest key for tests. */
export const TEST_ENCRYPTION_KEY = Buffer.from("switchboard-test-encryption-key!").toString("base64");

export type TestEnv = {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: string;
  NEXTAUTH_SECRET: string;
  NEXTAUTH_URL: string;
  ENCRYPTION_KEY: string;
  LOG_LEVEL: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    testEnv: TestEnv;
  }
}
