// One definition, in the database layer (the hot path's prepared statements write it too).
export { sqliteTime } from "../db/raw-driver";
