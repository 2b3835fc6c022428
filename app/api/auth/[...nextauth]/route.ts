// Auth.js session endpoints (session read, CSRF token, sign-out). Sign-in itself only happens
// through the pending-sign-in handle (see lib/auth/auth-config.ts).
export { GET, POST } from "@/lib/auth/auth-handlers";
