// Runs in each worker before every integration test file: the environment must be in place
// before lib/db/client.ts (reads DATABASE_URL) and lib/auth/options.ts (reads NEXTAUTH_SECRET)
// are imported.
import { inject } from "vitest";
import "./test-env";

Object.assign(process.env, inject("testEnv"));
