// Unit tests need no database; keep the logger quiet unless asked otherwise.
process.env.LOG_LEVEL ??= "silent";
