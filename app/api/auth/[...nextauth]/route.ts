// Auth.js session endpoints (session read, CSRF token, sign-out). Sign-in itself only happens
// through the pending-sign-in handle (see the root auth.ts).
export { GET, POST } from "@/lib/server/auth-handlers";
