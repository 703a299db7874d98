// Every end-to-end app starts on a database of its own, migrated and seeded: on a busy machine
// with a database server that takes longer than jest's default 5 s for a hook.
jest.setTimeout(60_000);
