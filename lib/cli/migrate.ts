/** `npm run db:migrate`: applies pending migrations to the configured database. */
import { applyMigrations } from "../db/migrate";

applyMigrations()
  .then(() => console.log("Database is up to date."))
  .catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
