// Auth.js entry point expected by the stack; the configuration lives in lib/auth/auth-config.ts.
export { auth, handlers, signIn, signOut } from "./lib/auth/auth-config";
